import Foundation
import Imaging

extension Noise {
  /// skimage (≤ 0.18) `random_noise(mode='s&p', amount=c)`: a flip mask then a salt mask, each one
  /// `choice` over all values; flipped values become 1 (salt) or 0 (pepper).
  static func impulse(_ img: RGBImage, _ c: Double, _ rng: inout NumpyRandomState) -> RGBImage {
    let n = img.pixels.count
    let flipped = rng.choice(probabilities: [c, 1 - c], count: n)
    let salted = rng.choice(probabilities: [0.5, 0.5], count: n)
    var out = img.pixels
    for i in 0..<n {
      var x = Double(img.pixels[i]) / 255.0
      if flipped[i] == 0 { x = salted[i] == 0 ? 1 : 0 }
      out[i] = Pixels.trunc8(min(max(x, 0), 1) * 255)
    }
    return RGBImage(width: img.width, height: img.height, pixels: out)
  }
}
