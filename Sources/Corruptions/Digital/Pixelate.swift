import Foundation
import Imaging

extension Digital {
  /// PIL BOX down to int(side·f), NEAREST back up.
  static func pixelate(_ img: RGBImage, _ f: Double) -> RGBImage {
    let small = PILResize.box(img, width: Int(Double(img.width) * f), height: Int(Double(img.height) * f))
    return PILResize.nearest(small, width: img.width, height: img.height)
  }
}
