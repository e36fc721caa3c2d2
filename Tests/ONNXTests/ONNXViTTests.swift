import Autodiff
import AutodiffTestSupport
import GradCAM
import Networks
import ONNX
import XCTest

/// timm vit_small_patch16_224 (WeightFormula weights, formula input [1, 3, 224, 224]) imported
/// from its TorchScript and dynamo exports: logits against onnxruntime (1e-4 relative), and the
/// token-map Grad-CAM at the default layer and attention rollout against the native ViT-S/16
/// with the same weights (1e-5).
final class ONNXViTTests: XCTestCase {
  func testViTSmall() throws {
    let model = try ONNXFixtures.model("vit_small_patch16_224")
    XCTAssertEqual(model.defaultCAMLayer, "blocks.11.norm1")
    XCTAssertTrue(model.hasAttention)
    XCTAssertEqual(model.tokenLayout(height: 224, width: 224)?.prefixTokens, 1)
    XCTAssertEqual(model.tokenLayout(height: 224, width: 224)?.rows, 14)
    let x = WeightFormula.tensor("input", [1, 3, 224, 224])
    let reference = try ONNXFixtures.tensor("vit_small_patch16_224_logits")
    let logits = try model.checkedForward(x)
    let scale = reference.scalars.map { abs(Double($0)) }.max() ?? 1
    let relative = maxAbsDifference(logits, reference) / scale
    print(String(format: "PARITY onnx vit_small_patch16_224 vs onnxruntime: max relative diff %.3g", relative))
    XCTAssertLessThanOrEqual(relative, 1e-4)

    let native = try VisionTransformer("vit_small_patch16", config: VisionTransformer.Config.named("vit_small_patch16")!, weights: WeightFormula.source)
    for method in [CAMMethod.gradCAM, .rollout] {
      let a = try CAMExplainer(model: native, method: method).explain(batch: x, target: .predicted)
      let b = try CAMExplainer(model: model, method: method).explain(batch: x, target: .predicted)
      XCTAssertEqual(a.targetClasses, b.targetClasses)
      let diff = maxAbsDifference(a.maps, b.maps)
      print(String(format: "PARITY onnx vit_small_patch16_224 %@ vs native: max abs diff %.3g", method.rawValue, diff))
      XCTAssertLessThanOrEqual(diff, 1e-5, method.rawValue)
    }
  }

  func testViTSmallDynamo() throws {
    let model = try ONNXFixtures.model("vit_small_patch16_224_dynamo")
    let x = WeightFormula.tensor("input", [1, 3, 224, 224])
    let reference = try ONNXFixtures.tensor("vit_small_patch16_224_dynamo_logits")
    let scale = reference.scalars.map { abs(Double($0)) }.max() ?? 1
    XCTAssertLessThanOrEqual(maxAbsDifference(try model.checkedForward(x), reference) / scale, 1e-4)
    XCTAssertEqual(model.defaultCAMLayer, "blocks.11.norm1")
  }
}
