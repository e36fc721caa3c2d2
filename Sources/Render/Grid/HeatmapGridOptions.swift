/// How a heatmap grid is coloured, sized and rasterised.
public struct HeatmapGridOptions: Sendable {
  /// How map values become colour-map positions.
  public enum Scale: Sendable, Equatable {
    /// Each map is min-max normalised on its own, as pytorch-grad-cam does (no colour bar).
    case perCell
    /// One fixed range for all maps, clamped; a colour bar is drawn.
    case shared(min: Float, max: Float)
    /// One range from the smallest to the largest value over all maps; a colour bar is drawn.
    case sharedAuto
  }

  /// Difference mode: show each map minus a reference column's map in the same row.
  public enum Difference: Sendable, Equatable {
    /// Plain maps.
    case off
    /// Cells other than `column` show `map - map[column]` with ``HeatmapGridOptions/diffColorMap``
    /// over a symmetric range `±max|Δ|` (or `±range` if given); the reference cell is drawn
    /// normally. Use column 0 for "minus clean".
    case againstColumn(Int, range: Float? = nil)
  }

  /// Font sizes in points; the defaults read well at a two-column paper width (≈500 pt).
  public struct FontSizes: Sendable, Equatable {
    /// Figure title (bold).
    public var title: Double = 10
    /// Subtitle line.
    public var subtitle: Double = 7.5
    /// Block titles (bold).
    public var blockTitle: Double = 8
    /// Column headers (bold).
    public var columnHeader: Double = 7
    /// Row headers.
    public var rowHeader: Double = 7
    /// Captions under cells.
    public var caption: Double = 6
    /// Metric lines and colour-bar ticks.
    public var metric: Double = 5.5

    /// Creates the default sizes.
    public init() {}
  }

  /// Colour map for heatmaps (OpenCV JET by default, as pytorch-grad-cam).
  public var colorMap: ColorMap = .jet
  /// Diverging colour map for difference cells.
  public var diffColorMap: ColorMap = .rdBu
  /// Weight of the image in the overlay, pgc's `image_weight` (0.5 by default).
  public var imageWeight: Float = 0.5
  /// Divide each overlay by its maximum, as `show_cam_on_image` does.
  public var normalizeOverlayByMax: Bool = true
  /// Value scaling.
  public var scale: Scale = .perCell
  /// Difference mode.
  public var difference: Difference = .off
  /// Width of each image cell in points (the height follows the block's first image aspect).
  public var cellSize: Double = 72
  /// Font sizes.
  public var fonts = FontSizes()
  /// Multiplier of the margin and of the gaps between columns, rows, blocks and headers
  /// (1: 3 pt between columns, 6 pt between rows; 0.5 for a compact figure).
  public var gapScale: Double = 1
  /// Raster resolution for PNG output and ``HeatmapGrid/renderImage(options:)``, in pixels
  /// per point (1 = 72 dpi, 300/72 ≈ 4.17 = 300 dpi). Lowered automatically if a side would
  /// exceed Cairo's 32767-pixel raster limit.
  public var pixelsPerPoint: Double = 3
  /// Label over the sequential colour bar.
  public var colorBarLabel: String = "CAM value"
  /// Draw a legend explaining the correct / incorrect markers (only if any marker is used).
  public var showMarkerLegend: Bool = true

  /// Creates the default options.
  public init() {}
}
