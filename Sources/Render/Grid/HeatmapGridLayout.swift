/// Where everything of a heatmap grid goes, in points (y downwards, origin top-left).
///
/// Produced by ``HeatmapGrid/layout(options:)`` from measured text extents; the renderer draws
/// exactly these boxes, so tests can check that nothing overlaps and everything is on the page.
public struct HeatmapGridLayout: Sendable {
  /// What a text box is for.
  public enum TextRole: String, Sendable, CaseIterable {
    /// Figure title and the line under it.
    case title, subtitle
    /// Block title (one per input image).
    case blockTitle
    /// Column and row headers.
    case columnHeader, rowHeader
    /// Caption and metric lines under a cell.
    case caption, metric
    /// Colour-bar label and tick labels.
    case colorBarLabel, colorBarTick
    /// Marker legend labels.
    case legend
  }

  /// One line of text: the string as drawn (possibly shortened with an ellipsis) and its box.
  public struct TextBox: Sendable {
    /// The text drawn.
    public var text: String
    /// Its role.
    public var role: TextRole
    /// The font.
    public var font: FontSpec
    /// Advance width x (ascent + descent) box.
    public var rect: LayoutRect
    /// Baseline y.
    public var baseline: Double
  }

  /// The image area of one cell and its marker.
  public struct CellBox: Sendable {
    /// Indices of the cell in the grid description.
    public var block: Int, row: Int, column: Int
    /// Where the (overlaid) image is drawn, aspect preserved.
    public var imageRect: LayoutRect
    /// Where the correct / incorrect marker is drawn, if any.
    public var markerRect: LayoutRect?
  }

  /// A colour bar and the value range it shows.
  public struct ColorBar: Sendable {
    /// The bar itself.
    public var rect: LayoutRect
    /// Its colour map.
    public var colorMap: ColorMap
    /// Value at the left end.
    public var lower: Float
    /// Value at the right end.
    public var upper: Float
  }

  /// A marker sample in the legend.
  public struct LegendMarker: Sendable {
    /// Where it is drawn.
    public var rect: LayoutRect
    /// Which marker.
    public var marker: HeatmapGrid.Marker
  }

  /// Page width in points.
  public var width: Double
  /// Page height in points.
  public var height: Double
  /// All text lines.
  public var texts: [TextBox]
  /// All cells.
  public var cells: [CellBox]
  /// Colour bars (shared scale and/or difference range).
  public var colorBars: [ColorBar]
  /// Legend marker samples.
  public var legendMarkers: [LegendMarker]

  /// The whole page.
  public var pageRect: LayoutRect { LayoutRect(x: 0, y: 0, width: width, height: height) }
}
