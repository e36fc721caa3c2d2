import Autodiff
import AutodiffTestSupport
import GradCAM
import Networks
import ONNX
import XCTest

/// Grad-CAM on imported graphs: torchvision ResNet-50 (WeightFormula weights, formula input
/// [1, 3, 64, 64], TorchScript export) against pytorch-grad-cam 1.5.7 on the source model at
/// `layer4` (tolerance 1e-4), and against the native ResNet-50 with the same weights.
final class ONNXCAMTests: XCTestCase {
  static let resnet50: ONNXClassifier = { try! ONNXFixtures.model("resnet50") }()

  func testModulePathsFromTorchNodeNames() throws {
    let m = Self.resnet50
    XCTAssertEqual(m.defaultCAMLayer, "layer4")
    let shapes = Dictionary(m.layers.map { ($0.name, $0.shape) }, uniquingKeysWith: { a, _ in a })
    XCTAssertEqual(shapes["layer4"], [1, 2048, 2, 2])
    XCTAssertEqual(shapes["layer2.0.downsample.0"], [1, 512, 8, 8])
    XCTAssertEqual(shapes["layer4.2.relu_2"], [1, 2048, 2, 2])
    XCTAssertEqual(shapes["/layer4/layer4.2/relu_2/Relu_output_0"], [1, 2048, 2, 2])
    XCTAssertEqual(m.classCount, 1000)
    XCTAssertEqual(try m.resolveLayer("layer4.-1"), "layer4.2")
  }

  func testGradCAMMatchesPytorchGradCAM() throws {
    let x = WeightFormula.tensor("input", [1, 3, 64, 64])
    let explainer = try CAMExplainer(model: Self.resnet50, method: .gradCAM, layer: "layer4")
    let result = try explainer.explain(batch: x, target: .predicted)
    XCTAssertEqual(result.targetClasses, try ONNXFixtures.tensor("resnet50_target").doubles.map { Int($0) })
    let diff = maxAbsDifference(result.maps, try ONNXFixtures.tensor("resnet50_gradcam"))
    print(String(format: "PARITY onnx resnet50 gradcam vs pytorch-grad-cam: max abs diff %.3g", diff))
    XCTAssertLessThanOrEqual(diff, 1e-4)
  }

  /// Five more torchvision CNNs, each at its last stage (TorchScript exports, formula weights,
  /// formula input [1, 3, 64, 64]), against pytorch-grad-cam 1.5.7 `GradCAM` with the same
  /// target layer and top-1 target (tolerance 1e-4), after their logits against onnxruntime's.
  func testGradCAMMatchesPytorchGradCAMOnMoreFamilies() throws {
    let layers = [
      "mobilenet_v3_large": "features.16", "efficientnet_b0": "features.8", "regnet_y_400mf": "trunk_output",
      "densenet121": "features.denseblock4", "convnext_tiny": "features.7",
    ]
    let x = WeightFormula.tensor("input", [1, 3, 64, 64])
    for (name, layer) in layers.sorted(by: { $0.key < $1.key }) {
      let model = try ONNXParityTests.check(name)
      let result = try CAMExplainer(model: model, method: .gradCAM, layer: layer).explain(batch: x, target: .predicted)
      let diff = maxAbsDifference(result.maps, try ONNXFixtures.tensor("\(name)_gradcam"))
      print(String(format: "PARITY onnx %@ gradcam at %@ vs pytorch-grad-cam: max abs diff %.3g", name, layer, diff))
      XCTAssertLessThanOrEqual(diff, 1e-4, name)
    }
  }

  /// torchvision vgg11_bn (classifier narrowed to 128 wide, formula weights, formula input
  /// [1, 3, 224, 224]) from both exporters against onnxruntime, and Grad-CAM at `features.27`
  /// (the last ReLU) against pytorch-grad-cam 1.5.7 (tolerance 1e-4).
  func testVGG11BNBothExportersAndGradCAM() throws {
    let model = try ONNXParityTests.check("vgg11_bn", size: 224)
    try ONNXParityTests.check("vgg11_bn_dynamo", size: 224)
    let x = WeightFormula.tensor("input", [1, 3, 224, 224])
    let result = try CAMExplainer(model: model, method: .gradCAM, layer: "features.27").explain(batch: x, target: .predicted)
    XCTAssertEqual(result.targetClasses, try ONNXFixtures.tensor("vgg11_bn_target").doubles.map { Int($0) })
    let diff = maxAbsDifference(result.maps, try ONNXFixtures.tensor("vgg11_bn_gradcam"))
    print(String(format: "PARITY onnx vgg11_bn gradcam at features.27 vs pytorch-grad-cam: max abs diff %.3g", diff))
    XCTAssertLessThanOrEqual(diff, 1e-4)
  }

  func testNativeAndImportedResNet50GiveTheSameMaps() throws {
    let native = try ResNet("resnet50", weights: WeightFormula.source)
    let x = WeightFormula.tensor("input", [1, 3, 64, 64])
    for method in [CAMMethod.gradCAM, .layerCAM] {
      let a = try CAMExplainer(model: native, method: method, layer: "layer4").explain(batch: x, target: .predicted)
      let b = try CAMExplainer(model: Self.resnet50, method: method, layer: "layer4").explain(batch: x, target: .predicted)
      XCTAssertEqual(a.targetClasses, b.targetClasses)
      let diff = maxAbsDifference(a.maps, b.maps)
      print(String(format: "PARITY onnx resnet50 %@ vs native: max abs diff %.3g", method.rawValue, diff))
      XCTAssertLessThanOrEqual(diff, 1e-5)
    }
  }
}
