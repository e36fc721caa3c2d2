import Foundation
import Imaging

extension Blur {
  /// skimage `gaussian(x, σ, channel_axis=-1)` (mode nearest, truncate 4), clip, ·255.
  static func gaussian(_ img: RGBImage, sigma: Double) -> RGBImage {
    let x = Pixels.unitDoubles(img.pixels)
    let y = GaussianFilter.apply(x, height: img.height, width: img.width, channels: 3, sigmaY: sigma, sigmaX: sigma)
    return RGBImage(width: img.width, height: img.height, pixels: Pixels.clipUnitToBytes(y))
  }
}
