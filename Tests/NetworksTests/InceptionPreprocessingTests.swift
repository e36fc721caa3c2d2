import Autodiff
import AutodiffTestSupport
import Foundation
import Imaging
import Networks
import XCTest

/// The `inception` profile (timm's eval transform of `tf_efficientnet_lite0`: Resize(256,
/// bicubic), CenterCrop(224), mean = std = 0.5) on the 8 real photos against timm with Pillow
/// 13.0.0 (Fixtures/photos_input_u8.npy, Scripts/fixtures/make_efficientnet_fixtures.py lite0):
/// the uint8 crops equal exactly, the float input within 1e-6 (float32 rounding of the
/// normalisation), and the bundled EfficientNet-Lite0 gets timm's top-1 on every photo from the JPEG.
final class InceptionPreprocessingTests: XCTestCase {
  static let photos = ["dog", "eagle", "person", "horses", "chelsea", "coffee", "astronaut", "rocket"]

  func testBicubicCropsEqualTimmsExactly() throws {
    let expected = try loadFixture("photos_input_u8", bundle: .module)
    XCTAssertEqual(expected.shape, [8, 3, 224, 224])
    let reference = expected.doubles
    let plane = 224 * 224
    for (i, name) in Self.photos.enumerated() {
      let url = try XCTUnwrap(Bundle.module.url(forResource: name, withExtension: "jpg", subdirectory: "Fixtures/photos"))
      let crop = Preprocessing.inception.pixels(try ImageFile.read(url))
      XCTAssertEqual([crop.height, crop.width], [224, 224])
      var mismatches = 0
      for c in 0..<3 {
        for p in 0..<plane where Double(crop.pixels[p * 3 + c]) != reference[(i * 3 + c) * plane + p] {
          mismatches += 1
        }
      }
      XCTAssertEqual(mismatches, 0, "\(name): \(mismatches) of \(3 * plane) values differ from timm's")
    }
  }

  func testBundledLite0TopOneFromTheJPEGs() throws {
    let model = try BundledModels.load("efficientnet-lite0")
    XCTAssertEqual(model.input.profile, "inception")
    let profile = try Preprocessing.profile(named: model.input.profile)
    var values: [Float] = []
    for name in Self.photos {
      let url = try XCTUnwrap(Bundle.module.url(forResource: name, withExtension: "jpg", subdirectory: "Fixtures/photos"))
      values += profile.apply(try ImageFile.read(url)).values
    }
    let x = Tensor(shape: [8, 3, 224, 224], scalars: values)
    XCTAssertLessThanOrEqual(maxAbsDifference(x, try EfficientNetParityTests.photoInput()), 1e-6)
    let top1 = try loadFixture("efficientnet_lite0_top1", bundle: .module).doubles.map { Int($0) }
    XCTAssertEqual(argmaxRows(model.logits(x)), top1)
  }
}
