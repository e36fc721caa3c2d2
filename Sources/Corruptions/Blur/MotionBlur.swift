import Foundation
import Imaging

extension Blur {
  /// Motion blur at angle U(−45, 45): imagecorruptions' numpy version (0..255 doubles, truncated),
  /// or with `magick` ImageMagick's (hendrycks' generators).
  static func motion(_ img: RGBImage, _ p: MotionBlurParameters, magick: Bool, _ rng: inout NumpyRandomState) -> RGBImage {
    let angle = rng.uniform(-45, 45)
    if magick {
      let px = MagickMotionBlur.apply(
        img.pixels, height: img.height, width: img.width, channels: 3, radius: Double(p.radius), sigma: p.sigma, angle: angle)
      return RGBImage(width: img.width, height: img.height, pixels: px)
    }
    let y = MotionBlurKernel.apply(
      img.pixels.map { Double($0) }, height: img.height, width: img.width, channels: 3, radius: p.radius, sigma: p.sigma,
      angle: angle)
    return RGBImage(width: img.width, height: img.height, pixels: y.map { Pixels.trunc8(min(max($0, 0), 255)) })
  }
}
