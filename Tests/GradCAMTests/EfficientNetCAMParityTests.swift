import Autodiff
import AutodiffTestSupport
import GradCAM
import Networks
import XCTest

/// Grad-CAM on the bundled EfficientNet-Lite0 (real weights) and on torchvision MobileNetV3-Large
/// (WeightFormula weights, input x 100) for photos 0 (dog) and 4 (chelsea) of
/// Tests/NetworksTests/Fixtures/photos, target = top-1, against pytorch-grad-cam 1.5.7
/// (Scripts/fixtures/make_efficientnet_fixtures.py cams; Fixtures/README.md). Tolerance: max
/// |difference| of the [2, 224, 224] maps (each in [0, 1]) <= 1e-4.
final class EfficientNetCAMParityTests: XCTestCase {
  /// The two photos as timm's Lite0 input, `(u8 / 255 - 0.5) / 0.5` in float32, times `scale`.
  static func photos(scale: Float = 1) throws -> Tensor {
    let url = packageRoot().appendingPathComponent("Tests/NetworksTests/Fixtures/photos_input_u8.npy")
    let u8 = try Tensor(npyFile: url)
    let picked = CAMFixtures.ints("effnet_photos")
    XCTAssertEqual(picked, [0, 4])
    let chosen = u8.selecting(indices: picked, axis: 0)
    return Tensor(shape: chosen.shape, scalars: chosen.doubles.map { (Float($0) / 255 - 0.5) / 0.5 * scale })
  }

  func testLite0AtConvHead() throws {
    let model = try BundledModels.load("efficientnet-lite0")
    try check(model, layer: nil, input: try Self.photos(), targets: "lite0_cam_targets", fixture: "lite0_gradcam_conv_head")
  }

  func testLite0AtLastBlock() throws {
    // timm blocks.6 = lukemelas _blocks.15.
    let model = try BundledModels.load("efficientnet-lite0")
    try check(model, layer: "_blocks.15", input: try Self.photos(), targets: "lite0_cam_targets", fixture: "lite0_gradcam_blocks6")
  }

  func testMobileNetV3LargeAtLastFeatures() throws {
    let model = try MobileNetV3("mobilenet_v3_large", weights: WeightFormula.source)
    XCTAssertEqual(model.defaultCAMLayer, "features.16")
    try check(model, layer: nil, input: try Self.photos(scale: 100), targets: "mnv3_large_cam_targets",
              fixture: "mnv3_large_gradcam_features16")
  }

  private func check(_ model: ImageClassifier, layer: String?, input: Tensor, targets: String, fixture: String) throws {
    let explainer = try CAMExplainer(model: model, method: .gradCAM, layer: layer)
    let result = try explainer.explain(batch: input, target: .predicted)
    XCTAssertEqual(result.targetClasses, CAMFixtures.ints(targets), "the predicted classes match PyTorch's")
    let expected = CAMFixtures.fixture(fixture)
    XCTAssertEqual(result.maps.shape, expected.shape)
    let diff = maxAbsDifference(result.maps, expected)
    reportParity(fixture, diff)
    XCTAssertLessThanOrEqual(diff, 1e-4)
  }
}
