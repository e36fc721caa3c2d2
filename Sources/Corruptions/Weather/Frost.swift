import Foundation
import Imaging

extension Weather {
  /// Frost: pending texture support.
  static func frost(_ img: RGBImage, _ p: (Double, Double), _ rng: inout NumpyRandomState) throws -> RGBImage {
    throw CorruptionError.resourceMissing("frost textures")
  }
}
