import Foundation
import Imaging

extension Digital {
  static func spatter(
    _ img: RGBImage, _ p: (Double, Double, Double, Double, Double, Int), _ rng: inout NumpyRandomState
  ) -> RGBImage {
    img
  }
}
