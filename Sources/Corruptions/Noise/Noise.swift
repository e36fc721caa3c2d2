import Foundation
import Imaging

/// gaussian_noise, shot_noise, impulse_noise, speckle_noise (imagecorruptions draw order).
enum Noise {
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

  /// clip(x + x·N(0, c²), 0, 1)·255.
  static func speckle(_ img: RGBImage, _ c: Double, _ rng: inout NumpyRandomState) -> RGBImage {
    var out = img.pixels
    for i in out.indices {
      let x = Double(img.pixels[i]) / 255.0
      let n = 0.0 + c * rng.gauss()
      out[i] = Pixels.trunc8(min(max(x + x * n, 0), 1) * 255)
    }
    return RGBImage(width: img.width, height: img.height, pixels: out)
  }
}
