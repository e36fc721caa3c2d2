import Autodiff
import AutodiffTestSupport
import GradCAM
import Networks
import XCTest

/// torchvision ResNet-50 with WeightFormula weights on the formula input `[1, 3, 224, 224]`,
/// layer4, target = argmax, against pytorch-grad-cam 1.5.7. Tolerance 1e-4 (Score-CAM 1e-3, run
/// on a 32×32 input at layer1 so that its 256 masked forward passes stay cheap).
final class ResNet50CAMParityTests: XCTestCase {
  static let input = WeightFormula.tensor("input", [1, 3, 224, 224])

  func explain(_ method: CAMMethod, layer: String? = nil, input: Tensor = input, target: Int) throws -> CAMResult {
    let explainer = try CAMExplainer(model: CAMFixtures.resnet50, method: method, layer: layer)
    let result = try explainer.explain(batch: input, target: .predicted)
    XCTAssertEqual(result.targetClasses, [target], "the predicted class matches torchvision's")
    return result
  }

  func check(_ method: CAMMethod) throws {
    let target = CAMFixtures.ints("r50_target")[0]
    let result = try explain(method, target: target)
    XCTAssertEqual(result.maps.shape, [1, 224, 224])
    let name = "r50_\(method.rawValue.replacingOccurrences(of: "++", with: "pp"))"
    if method == .eigenCAM || method == .eigenGradCAM {
      // Literal pytorch-grad-cam output where numpy's SVD sign agreed with our convention.
      let agrees = CAMFixtures.ints("\(name)_sign_agrees") == [1]
      let diff = maxAbsDifference(result.maps, CAMFixtures.fixture(name))
      reportParity("resnet50 \(method) (\(agrees ? "numpy sign agrees, literal pgc" : "pgc with convention sign"))", diff)
      XCTAssertLessThanOrEqual(diff, 1e-4)
      return
    }
    let diff = maxAbsDifference(result.maps, CAMFixtures.fixture(name))
    reportParity("resnet50 \(method)", diff)
    XCTAssertLessThanOrEqual(diff, 1e-4)
    if method == .gradCAM {
      let raw = CAMFixtures.fixture("r50_gradcam_raw")
      XCTAssertEqual(result.rawMaps.shape, [1, 7, 7])
      XCTAssertLessThanOrEqual(maxRelativeDifference(result.rawMaps, raw, floor: 1e-2), 1e-3)
    }
  }

  func testGradCAM() throws { try check(.gradCAM) }
  func testGradCAMPlusPlus() throws { try check(.gradCAMPlusPlus) }
  func testXGradCAM() throws { try check(.xGradCAM) }
  func testHiResCAM() throws { try check(.hiResCAM) }
  func testLayerCAM() throws { try check(.layerCAM) }
  func testEigenCAM() throws { try check(.eigenCAM) }
  func testEigenGradCAM() throws { try check(.eigenGradCAM) }

  func testScoreCAMAtLayer1On32Pixels() throws {
    let target = CAMFixtures.ints("r50_scorecam_target")[0]
    let result = try explain(.scoreCAM, layer: "layer1", input: WeightFormula.tensor("input", [1, 3, 32, 32]), target: target)
    let diff = maxAbsDifference(result.maps, CAMFixtures.fixture("r50_scorecam_layer1_32"))
    reportParity("resnet50 scorecam (layer1, 32px)", diff)
    XCTAssertLessThanOrEqual(diff, 1e-3)
  }

  /// At the last block of a GAP network the gradient is spatially constant, so Grad-CAM,
  /// HiResCAM and XGrad-CAM coincide (pytorch-grad-cam #379).
  func testGradCAMHiResCAMAndXGradCAMCoincideAtLayer4() throws {
    let target = CAMFixtures.ints("r50_target")[0]
    let g = try explain(.gradCAM, target: target).maps
    XCTAssertLessThanOrEqual(maxAbsDifference(g, try explain(.hiResCAM, target: target).maps), 1e-5)
    XCTAssertLessThanOrEqual(maxAbsDifference(g, try explain(.xGradCAM, target: target).maps), 1e-5)
  }
}
