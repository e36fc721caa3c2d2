import Foundation
import Imaging

extension Noise {
  /// clip(Poisson(x·c)/c, 0, 1)·255.
  static func shot(_ img: RGBImage, _ c: Double, _ rng: inout NumpyRandomState) -> RGBImage {
    var out = img.pixels
    let params = (0..<256).map { NumpyRandomState.PoissonParameters(Double($0) / 255.0 * c) }
    for i in out.indices {
      let k = Double(rng.poisson(params[Int(img.pixels[i])])) / c
      out[i] = Pixels.trunc8(min(max(k, 0), 1) * 255)
    }
    return RGBImage(width: img.width, height: img.height, pixels: out)
  }
}
