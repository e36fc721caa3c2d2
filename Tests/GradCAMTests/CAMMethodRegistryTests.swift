import Autodiff
import GradCAM
import Networks
import XCTest

/// The method registry (`CAMMethod.allCases`): names, aliases and flags as the methods had them
/// before they became one file each, and every registered method explains a model it supports
/// through `CAMExplainer` (no method is left unhandled).
final class CAMMethodRegistryTests: XCTestCase {
  func testNamesAreUniqueAndParseWithTheirAliases() throws {
    let names = CAMMethod.allCases.map(\.rawValue)
    XCTAssertEqual(
      names,
      ["gradcam", "gradcam++", "xgradcam", "hirescam", "layercam", "scorecam", "eigencam", "eigengradcam", "rollout", "gradrollout"])
    XCTAssertEqual(Set(names).count, names.count)
    for m in CAMMethod.allCases { XCTAssertEqual(CAMMethod(rawValue: m.rawValue), m) }
    XCTAssertNil(CAMMethod(rawValue: "gradcampp"))
    XCTAssertEqual(try CAMMethod(parsing: "GradCAMPlusPlus"), .gradCAMPlusPlus)
    XCTAssertEqual(try CAMMethod(parsing: "attention-rollout"), .rollout)
    XCTAssertEqual(try CAMMethod(parsing: "gradient_rollout"), .gradRollout)
  }

  func testFlags() {
    XCTAssertEqual(CAMMethod.allCases.filter { !$0.usesGradients }, [.scoreCAM, .eigenCAM, .rollout])
    XCTAssertEqual(CAMMethod.allCases.filter(\.needsAttention), [.rollout, .gradRollout])
    XCTAssertEqual(CAMMethod.allCases.filter { !$0.isClassSpecific }, [.eigenCAM, .rollout])
  }

  func testEveryMethodExplainsAModel() throws {
    let cnn = try CIFARResNet(depth: 20, weights: WeightFormula.source)
    let vit = try VisionTransformer("vit_demo", config: .demo(), weights: WeightFormula.source)
    for method in CAMMethod.allCases {
      let model: ImageClassifier = method.needsAttention ? vit : cnn
      let (h, w) = (model.input.height, model.input.width)
      let explainer = try CAMExplainer(model: model, method: method)
      explainer.scoreCAMBatchSize = 64
      let result = try explainer.explain(batch: WeightFormula.tensor("input", [2, 3, h, w]), target: .topK(2))
      XCTAssertEqual(result.method, method)
      XCTAssertEqual(result.maps.shape, [4, h, w], "\(method)")
      XCTAssertTrue(result.maps.scalars.allSatisfy(\.isFinite), "\(method)")
      XCTAssertEqual(result.backward.ops.isEmpty, !method.usesGradients, "\(method)")
    }
  }
}
