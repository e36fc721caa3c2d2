import Foundation
import Imaging

extension Noise {
  /// clip(x + N(0, c²), 0, 1)·255: one normal per value, C order.
  static func gaussian(_ img: RGBImage, _ c: Double, _ rng: inout NumpyRandomState) -> RGBImage {
    var out = img.pixels
    for i in out.indices {
      let x = Double(img.pixels[i]) / 255.0
      let n = 0.0 + c * rng.gauss()
      out[i] = Pixels.trunc8(min(max(x + n, 0), 1) * 255)
    }
    return RGBImage(width: img.width, height: img.height, pixels: out)
  }
}
