/// An 8-bit RGB image in row-major HWC order (`pixels[(y * width + x) * 3 + c]`).
///
/// This is the one pixel type the toolkit passes between image I/O, corruptions and rendering.
public struct RGBImage: Equatable, Sendable {
  /// Width in pixels.
  public let width: Int
  /// Height in pixels.
  public let height: Int
  /// Interleaved R, G, B bytes, `height * width * 3` of them.
  public var pixels: [UInt8]

  /// Creates an image from interleaved RGB bytes.
  /// - Precondition: `pixels.count == width * height * 3`.
  public init(width: Int, height: Int, pixels: [UInt8]) {
    precondition(width >= 0 && height >= 0, "RGBImage: negative size \(width)x\(height)")
    precondition(
      pixels.count == width * height * 3,
      "RGBImage: \(pixels.count) bytes do not make a \(width)x\(height) RGB image")
    self.width = width
    self.height = height
    self.pixels = pixels
  }

  /// Creates an image filled with one colour.
  public init(width: Int, height: Int, fill: (UInt8, UInt8, UInt8) = (0, 0, 0)) {
    var p = [UInt8](repeating: 0, count: width * height * 3)
    for i in 0..<(width * height) {
      p[3 * i] = fill.0
      p[3 * i + 1] = fill.1
      p[3 * i + 2] = fill.2
    }
    self.init(width: width, height: height, pixels: p)
  }

  /// The pixel at column `x`, row `y`.
  public subscript(x: Int, y: Int) -> (r: UInt8, g: UInt8, b: UInt8) {
    let i = (y * width + x) * 3
    return (pixels[i], pixels[i + 1], pixels[i + 2])
  }

  /// Channel-first floats in [0, 1] (`[3, height, width]`, as torchvision's ToTensor).
  public func chwFloats() -> [Float] {
    let plane = width * height
    var out = [Float](repeating: 0, count: 3 * plane)
    for i in 0..<plane {
      for c in 0..<3 { out[c * plane + i] = Float(pixels[3 * i + c]) / 255 }
    }
    return out
  }

  /// Creates an image from channel-first floats in [0, 1], rounding to nearest and clamping.
  public init(chwFloats values: [Float], width: Int, height: Int) {
    let plane = width * height
    precondition(values.count == 3 * plane, "RGBImage: \(values.count) floats are not 3x\(height)x\(width)")
    var p = [UInt8](repeating: 0, count: 3 * plane)
    for i in 0..<plane {
      for c in 0..<3 {
        let v = (values[c * plane + i] * 255).rounded()
        p[3 * i + c] = UInt8(max(0, min(255, v.isNaN ? 0 : v)))
      }
    }
    self.init(width: width, height: height, pixels: p)
  }
}
