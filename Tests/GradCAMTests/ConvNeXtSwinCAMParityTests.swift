import Autodiff
import AutodiffTestSupport
import GradCAM
import Networks
import XCTest

/// Grad-CAM on torchvision ConvNeXt and Swin Transformer in small configurations of the real
/// classes (ConvNeXt depths [1, 1, 2, 1], widths [16, 32, 64, 128]; Swin width 16, depths
/// [2, 2, 2, 2], heads [1, 2, 4, 8], window 7) with WeightFormula weights, photos 0 (dog) and 4
/// (chelsea), target = top-1, at each model's default layer (ConvNeXt `features.7`, Swin `norm`
/// read channels-last), against pytorch-grad-cam 1.5.7 (Swin with the reshape transform
/// `t.permute(0, 3, 1, 2)`; Scripts/fixtures/make_convnext_swin_fixtures.py cams). Tolerance:
/// max |difference| of the [2, 224, 224] maps (each in [0, 1]) <= 1e-4. Also Swin at `features.5`
/// (photo 0), whose gradient passes the window attention, rolls, masks and a patch merging.
final class ConvNeXtSwinCAMParityTests: XCTestCase {
  func testConvNeXtAtLastStage() throws {
    let config = ConvNeXtConfig(depths: [1, 1, 2, 1], dims: [16, 32, 64, 128])
    let model = try ConvNeXt("convnext_test", config: config, layout: .torchvision, weights: WeightFormula.source)
    XCTAssertEqual(model.defaultCAMLayer, "features.7")
    try check(model, fixture: "convnext_tv_small")
  }

  func testSwinAtFinalNormChannelsLast() throws {
    let config = SwinConfig(embedDim: 16, depths: [2, 2, 2, 2], heads: [1, 2, 4, 8])
    let model = try SwinTransformer("swin_test", config: config, layout: .torchvision, weights: WeightFormula.source)
    XCTAssertEqual(model.defaultCAMLayer, "norm")
    try check(model, fixture: "swin_tv_small")
  }

  /// At `features.5` (the third stage's output, channels-last [1, 14, 14, 64]) the gradient runs
  /// back through the last stage's shifted-window attention and a patch merging; photo 0.
  func testSwinThroughWindowAttention() throws {
    let config = SwinConfig(embedDim: 16, depths: [2, 2, 2, 2], heads: [1, 2, 4, 8])
    let model = try SwinTransformer("swin_test", config: config, layout: .torchvision, weights: WeightFormula.source)
    let explainer = try CAMExplainer(model: model, method: .gradCAM, layer: "features.5")
    let photo = try EfficientNetCAMParityTests.photos().slice(axis: 0, range: 0..<1)
    let result = try explainer.explain(batch: photo, target: .predicted)
    XCTAssertEqual(result.targetClasses, [CAMFixtures.ints("swin_tv_small_cam_targets")[0]])
    let expected = CAMFixtures.fixture("swin_tv_small_gradcam_features5")
    XCTAssertEqual(result.maps.shape, expected.shape)
    let diff = maxAbsDifference(result.maps, expected)
    reportParity("swin_tv_small_gradcam_features5", diff)
    XCTAssertLessThanOrEqual(diff, 1e-4)
  }

  private func check(_ model: ImageClassifier, fixture: String) throws {
    let explainer = try CAMExplainer(model: model, method: .gradCAM)
    let result = try explainer.explain(batch: try EfficientNetCAMParityTests.photos(), target: .predicted)
    XCTAssertEqual(result.targetClasses, CAMFixtures.ints("\(fixture)_cam_targets"), "the predicted classes match PyTorch's")
    let expected = CAMFixtures.fixture("\(fixture)_gradcam")
    XCTAssertEqual(result.maps.shape, expected.shape)
    let diff = maxAbsDifference(result.maps, expected)
    reportParity("\(fixture)_gradcam", diff)
    XCTAssertLessThanOrEqual(diff, 1e-4)
  }
}
