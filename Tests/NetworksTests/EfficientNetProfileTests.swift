import Foundation
import Imaging
import Networks
import XCTest

/// Every EfficientNet variant's input size and preprocessing profile against timm 1.0.31's
/// evaluation transform of the variant's default pretrained tag (Fixtures/efficientnet_profiles.json,
/// `make_efficientnet_fixtures.py profiles`; every Lite follows its `tf_` twin): the same Resize
/// size and interpolation, CenterCrop size, and mean and std (exactly).
final class EfficientNetProfileTests: XCTestCase {
  func testProfilesEqualTimmsEvaluationTransforms() throws {
    let url = try XCTUnwrap(Bundle.module.url(forResource: "efficientnet_profiles", withExtension: "json", subdirectory: "Fixtures"))
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    let timm = json["profiles"] as! [String: [String: Any]]
    XCTAssertEqual(Set(timm.keys), Set(EfficientNetConfig.names))
    for name in EfficientNetConfig.names {
      let expected = try XCTUnwrap(timm[name], name)
      let config = try XCTUnwrap(EfficientNetConfig.named(name))
      let profile = try Preprocessing.profile(named: config.profile)
      let size = expected["crop"] as! [Int], resize = expected["resize"] as! Int
      XCTAssertEqual([config.resolution, config.resolution], size, name)
      XCTAssertEqual(Array((expected["input_size"] as! [Int]).dropFirst()), size, name)
      let step: PixelStep
      switch expected["resize_interpolation"] as! String {
      case "bicubic": step = .resizeShorterSideBicubic(resize)
      case "bilinear": step = .resizeShorterSide(resize)
      case let other: return XCTFail("\(name): interpolation \(other) is not supported")
      }
      XCTAssertEqual(profile.pixelSteps, [step, .centerCrop(height: size[0], width: size[1])], name)
      XCTAssertEqual(profile.mean, expected["mean"] as? [Double], name)
      XCTAssertEqual(profile.std, expected["std"] as? [Double], name)
    }
  }

  /// The model built for a variant carries its native size and profile.
  func testModelInputSpec() throws {
    let lite4 = try EfficientNet("efficientnet_lite4", layout: .timm, weights: WeightSource(.shapesOnly))
    XCTAssertEqual([lite4.input.height, lite4.input.width], [380, 380])
    XCTAssertEqual(lite4.input.profile, "tf_efficientnet_lite4")
    let b0 = try EfficientNet("tf_efficientnet_b0", layout: .lukemelas, weights: WeightSource(.shapesOnly))
    XCTAssertEqual(b0.input.profile, "tf_efficientnet_b0")
    XCTAssertEqual(try Preprocessing.profile(named: b0.input.profile).mean, Preprocessing.imagenetMean)
  }
}
