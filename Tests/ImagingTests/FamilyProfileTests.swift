import Checksums
import Foundation
import Imaging
import TestFixtures
import XCTest

/// The preprocessing profiles of the DINOv2, DeiT, ConvNeXt and Swin weights against their
/// publishers' evaluation transforms run with PIL on the real photo examples/dog.png
/// (Fixtures/family_profiles.json, Scripts/fixtures/make_family_profile_fixtures.py):
/// torchvision 0.29.2 `Weights.IMAGENET1K_V1.transforms()` of convnext_tiny/small/base and
/// swin_t/s/b, dinov2's `make_classification_eval_transform()`, the DeiT authors'
/// `build_transform` (Pillow 13.0.0). Tolerances as PreprocessingTests and
/// InceptionPreprocessingTests: the uint8 resize + crop output exact (CRC-32 of all pixels), the
/// float output |diff| <= 1e-6 (float32 rounding of the normalisation).
final class FamilyProfileTests: XCTestCase {
  func testProfilesEqualThePublishersTransformsOnARealPhoto() throws {
    let json = try JSONSerialization.jsonObject(with: Fixture.data("family_profiles.json")) as! [String: Any]
    XCTAssertEqual(json["image"] as? String, "examples/dog.png")
    let image = try ImageFile.read(SharedFixtures.packageRoot.appendingPathComponent("examples/dog.png"))
    let indices = json["indices"] as! [Int]
    let expected = json["profiles"] as! [String: [String: Any]]
    XCTAssertEqual(
      Set(expected.keys), ["dinov2", "deit", "convnext_tiny", "convnext_small", "convnext_base", "swin_t", "swin_s", "swin_b"])
    for (name, want) in expected {
      let profile = try Preprocessing.profile(named: name)
      let resize = want["resize"] as! Int, crop = want["crop"] as! Int
      let step: PixelStep
      switch want["interpolation"] as! String {
      case "bicubic": step = .resizeShorterSideBicubic(resize)
      case "bilinear": step = .resizeShorterSide(resize)
      case let other: return XCTFail("\(name): interpolation \(other) is not supported")
      }
      XCTAssertEqual(profile.pixelSteps, [step, .centerCrop(height: crop, width: crop)], name)
      XCTAssertEqual(profile.mean, want["mean"] as? [Double], name)
      XCTAssertEqual(profile.std, want["std"] as? [Double], name)

      let pixels = profile.pixels(image)
      XCTAssertEqual([pixels.height, pixels.width, 3], want["crop_shape"] as? [Int], name)
      XCTAssertEqual(Int(CRC32.checksum(pixels.pixels)), want["crop_crc32"] as? Int, "\(name): CRC-32 of the uint8 crop")
      let (values, shape) = profile.apply(image)
      XCTAssertEqual(shape, [3, crop, crop], name)
      let reference = (want["values"] as! [Double]).map { Float($0) }
      let diff = maxAbsDiff(indices.map { values[$0] }, reference)
      XCTAssertLessThanOrEqual(diff, 1e-6, "\(name): max abs diff \(diff) from the publisher's float output")
    }
  }
}
