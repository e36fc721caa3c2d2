import Foundation
import Imaging

extension Noise {
  /// skimage (≤ 0.18) `random_noise(mode='s&p', amount=c)`: a flip mask then a salt mask, each one
  /// `choice` over all values; flipped values become 1 (salt) or 0 (pepper).
  static func impulse(_ img: RGBImage, _ c: Double, _ rng: inout NumpyRandomState) -> RGBImage {
    let n = img.pixels.count
    // choice([True, False], p=[c, 1 − c]): True where u < cdf[0] (searchsorted right), C order.
    let flipCut = NumpyMath.cumsumNormalised([c, 1 - c])[0]
    let saltCut = NumpyMath.cumsumNormalised([0.5, 0.5])[0]
    var flipped = [Bool](repeating: false, count: n)
    for i in 0..<n { flipped[i] = rng.randomSample() < flipCut }
    var out = img.pixels
    for i in 0..<n {
      let salted = rng.randomSample() < saltCut
      if flipped[i] { out[i] = salted ? 255 : 0 }
    }
    return RGBImage(width: img.width, height: img.height, pixels: out)
  }
}
