/// An axis-aligned rectangle in figure units (points, 1/72 inch; y grows downwards).
public struct LayoutRect: Equatable, Sendable, CustomStringConvertible {
  /// Left edge.
  public var x: Double
  /// Top edge.
  public var y: Double
  /// Width (non-negative).
  public var width: Double
  /// Height (non-negative).
  public var height: Double

  /// Creates a rectangle from its top-left corner and size.
  public init(x: Double, y: Double, width: Double, height: Double) {
    self.x = x
    self.y = y
    self.width = width
    self.height = height
  }

  /// Right edge.
  public var maxX: Double { x + width }
  /// Bottom edge.
  public var maxY: Double { y + height }

  /// True when the interiors of the two rectangles overlap (touching edges do not count).
  public func intersects(_ other: LayoutRect) -> Bool {
    x < other.maxX && other.x < maxX && y < other.maxY && other.y < maxY
  }

  /// True when `other` lies entirely inside this rectangle (edges included).
  public func contains(_ other: LayoutRect) -> Bool {
    other.x >= x && other.y >= y && other.maxX <= maxX && other.maxY <= maxY
  }

  /// The rectangle grown by `d` on every side.
  public func insetBy(_ d: Double) -> LayoutRect {
    LayoutRect(x: x + d, y: y + d, width: width - 2 * d, height: height - 2 * d)
  }

  public var description: String { "(\(x), \(y), \(width)x\(height))" }
}

/// An opaque 8-bit sRGB colour.
public struct RGBColor: Equatable, Hashable, Sendable {
  /// Red, green and blue bytes.
  public var r: UInt8, g: UInt8, b: UInt8

  /// Creates a colour from bytes.
  public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
    self.r = r
    self.g = g
    self.b = b
  }

  /// Creates a colour from `0xRRGGBB`.
  public init(hex: UInt32) {
    self.init(UInt8((hex >> 16) & 0xFF), UInt8((hex >> 8) & 0xFF), UInt8(hex & 0xFF))
  }

  /// Black.
  public static let black = RGBColor(0, 0, 0)
  /// White.
  public static let white = RGBColor(255, 255, 255)
}
