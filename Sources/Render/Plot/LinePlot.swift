/// A description of a simple line plot, e.g. top-1 error versus corruption severity
/// (Fig. 1 of Chhipa et al., ICCV-W 2023).
///
/// Series are told apart by colour (Okabe-Ito palette), marker shape and dash pattern, so the
/// plot also reads in greyscale. Render it with ``write(to:)``, ``render(format:)`` or
/// ``renderImage()``.
public struct LinePlot: Sendable {
  /// One named line.
  public struct Series: Sendable {
    /// Legend name.
    public var name: String
    /// X coordinates.
    public var x: [Double]
    /// Y coordinates (same count as `x`); NaN leaves a gap.
    public var y: [Double]
    /// Colour; nil picks the next palette colour.
    public var color: RGBColor?
    /// A band around the line (e.g. a 95% confidence interval), drawn translucent in the line's
    /// colour: lower and upper y at each x (same count as `x`); nil for none.
    public var band: (lower: [Double], upper: [Double])?

    /// Creates a series.
    /// - Precondition: `x.count == y.count`.
    public init(name: String, x: [Double], y: [Double], color: RGBColor? = nil) {
      precondition(x.count == y.count, "LinePlot.Series: \(x.count) x values but \(y.count) y values")
      self.name = name
      self.x = x
      self.y = y
      self.color = color
    }

    /// Creates a series over severities 0, 1, 2, … (0 being the clean image).
    public init(name: String, values: [Double], color: RGBColor? = nil) {
      self.init(name: name, x: values.indices.map(Double.init), y: values, color: color)
    }
  }

  /// Plot title (empty for none).
  public var title: String
  /// X-axis label.
  public var xLabel: String
  /// Y-axis label.
  public var yLabel: String
  /// The lines.
  public var series: [Series]
  /// X tick positions; nil puts a tick at every integer of the data range.
  public var xTicks: [Double]?
  /// Labels for `xTicks` (same count); nil prints the numbers.
  public var xTickLabels: [String]?
  /// Y range; nil fits "nice" bounds around the data.
  public var yRange: ClosedRange<Double>?
  /// Figure width in points (≈ 240 for one paper column).
  public var width: Double = 260
  /// Figure height in points.
  public var height: Double = 190
  /// Raster resolution in pixels per point for PNG and ``renderImage()``.
  public var pixelsPerPoint: Double = 3
  /// Base font size in points (title +2, ticks −1).
  public var fontSize: Double = 7.5
  /// Draw the legend of the named series (small multiples leave it to one plot of the figure).
  public var showsLegend: Bool = true
  /// With `yRange` nil, extend the fitted y range down to 0 so that heights compare across plots.
  public var yIncludesZero: Bool = false

  /// Creates a plot description.
  public init(
    title: String, xLabel: String = "severity", yLabel: String, series: [Series],
    xTicks: [Double]? = nil, xTickLabels: [String]? = nil, yRange: ClosedRange<Double>? = nil
  ) {
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.series = series
    self.xTicks = xTicks
    self.xTickLabels = xTickLabels
    self.yRange = yRange
  }

  /// `lo...hi` widened to "nice" tick bounds (steps of 1, 2 or 5 times a power of ten), the
  /// range a plot fits to such data; use it to give several plots one shared range.
  public static func niceRange(_ lo: Double, _ hi: Double) -> ClosedRange<Double> {
    let t = NiceTicks.ticks(lo: lo, hi: hi)
    return t.lo...t.hi
  }

  /// The default palette (Okabe & Ito, colour-blind safe).
  public static let palette: [RGBColor] = [
    RGBColor(hex: 0x0072B2), RGBColor(hex: 0xD55E00), RGBColor(hex: 0x009E73), RGBColor(hex: 0xCC79A7),
    RGBColor(hex: 0xE69F00), RGBColor(hex: 0x56B4E9), RGBColor(hex: 0x000000), RGBColor(hex: 0xF0E442),
  ]
}
