/// A font for figure text: DejaVu Sans at a size in points, regular or bold.
public struct FontSpec: Equatable, Hashable, Sendable {
  /// Font family name resolved through fontconfig.
  public var family: String
  /// Size in points.
  public var size: Double
  /// Bold weight.
  public var bold: Bool

  /// Creates a font; the family defaults to DejaVu Sans (Debian `fonts-dejavu-core`).
  public init(size: Double, bold: Bool = false, family: String = "DejaVu Sans") {
    self.family = family
    self.size = size
    self.bold = bold
  }
}

/// Horizontal placement of text relative to its anchor x.
enum TextAnchor {
  case start, middle, end
}

/// Measured text: advance width and the font's ascent/descent (all in points).
struct TextMetrics {
  var width: Double
  var ascent: Double
  var descent: Double
  var height: Double { ascent + descent }
}
