import Autodiff
import AutodiffTestSupport
import GradCAM
import Networks
import XCTest

/// Behaviour beyond the parity fixtures, including each deliberate difference from the
/// reference implementations.
final class CAMBehaviourTests: XCTestCase {
  /// Maps come out at the input size, also for non-square inputs (pgc: a 160×224 input gives
  /// 160×224 maps; cv2's dsize is (W, H)).
  func testNonSquareInputsGiveMapsAtTheInputSize() throws {
    let x = Tensor.uniform([1, 3, 32, 48], low: -1, high: 1, seed: 3)
    let r = try CAMExplainer(model: CAMFixtures.cifarModel, method: .gradCAM).explain(batch: x, target: .predicted)
    XCTAssertEqual(r.maps.shape, [1, 32, 48])
    XCTAssertEqual(r.rawMaps.shape, [1, 8, 12])
    XCTAssertEqual(Double(r.maps.scalars.max()!), 1, accuracy: 1e-6)
  }

  /// ViT grid and prefix come from the model for any input size (never a user reshape).
  func testViTGradCAMOnANonSquareInput() throws {
    let model = CAMFixtures.vit("vit_small_patch16_reg4")
    let x = WeightFormula.tensor("input", [1, 3, 160, 224])
    let r = try CAMExplainer(model: model, method: .gradCAM).explain(batch: x, target: .predicted)
    XCTAssertEqual(r.rawMaps.shape, [1, 10, 14])
    XCTAssertEqual(r.maps.shape, [1, 160, 224])
  }

  /// Attention probabilities are not token features: Grad-CAM there is refused with a hint.
  func testAttentionLayerIsRefusedForGradCAM() throws {
    XCTAssertThrowsError(try CAMExplainer(model: CAMFixtures.vit("vit_small_patch16"), method: .gradCAM, layer: "blocks.-1.attn.attn_drop")) { error in
      XCTAssertTrue("\(error)".contains("use rollout or gradrollout"), "\(error)")
    }
  }

  /// pytorch-grad-cam documents that ViT Grad-CAM at `norm2` or the block output of a
  /// class-token ViT is all zero (its #513): the patch tokens there never reach the head. We
  /// reproduce that rather than hide it, and the default layer `blocks.-1.norm1` is non-zero.
  func testViTGradCAMIsZeroAfterTheLastAttention() throws {
    let model = CAMFixtures.vit("vit_small_patch16")
    let x = WeightFormula.tensor("input", [1, 3, 224, 224])
    let late = try CAMExplainer(model: model, method: .gradCAM, layer: "blocks.-1.norm2").explain(batch: x, target: .predicted)
    XCTAssertEqual(late.maps.scalars.max(), 0)
    let good = try CAMExplainer(model: model, method: .gradCAM).explain(batch: x, target: .predicted)
    XCTAssertGreaterThan(good.maps.scalars.max()!, 0.99)
  }

  /// Deliberate difference from vit-explain: discard and normalisation are per image, so an
  /// image's rollout does not depend on the rest of the batch (vit-explain zeroes entries of
  /// sample 0 only, with indices of all samples).
  func testRolloutDiscardIsPerImage() throws {
    let model = CAMFixtures.vit("vit_small_patch16")
    let x = WeightFormula.tensor("input", [2, 3, 224, 224])
    let explainer = try CAMExplainer(model: model, method: .rollout)
    explainer.rollout = RolloutOptions(headFusion: .max, discardRatio: 0.9)
    let both = try explainer.explain(batch: x, target: .predicted)
    let second = try explainer.explain(batch: x.slice(axis: 0, range: 1..<2), target: .predicted)
    // (Equal up to float32 differences of the batched forward pass.)
    XCTAssertLessThanOrEqual(maxAbsDifference(rows(both.rawMaps, [1]), second.rawMaps), 1e-6 * Double(second.rawMaps.scalars.max()!))
  }

  /// Score-CAM shares its masked forward passes across top-k targets; rank 1 equals the
  /// predicted-class map.
  func testScoreCAMTopKSharesMaskedPasses() throws {
    let x = CAMFixtures.cifarBatch.batch.slice(axis: 0, range: 0..<1)
    let explainer = try CAMExplainer(model: CAMFixtures.cifarModel, method: .scoreCAM)
    explainer.scoreCAMBatchSize = 64
    let top = try explainer.explain(batch: x, target: .topK(2))
    let predicted = try explainer.explain(batch: x, target: .predicted)
    XCTAssertEqual(top.maps.shape, [2, 32, 32])
    XCTAssertEqual(maxAbsDifference(rows(top.maps, [0]), predicted.maps), 0)
    XCTAssertNotEqual(top.targetClasses[0], top.targetClasses[1])
  }

  func testGradientMethodsRefuseToRunWithoutGradients() throws {
    let explainer = try CAMExplainer(model: CAMFixtures.cifarModel, method: .gradCAM)
    let x = CAMFixtures.cifarBatch.batch.slice(axis: 0, range: 0..<1)
    XCTAssertThrowsError(try withoutGradients { try explainer.explain(batch: x, target: .predicted) }) { error in
      XCTAssertTrue("\(error)".contains("withoutGradients"), "\(error)")
    }
    // Gradient-free methods are fine there.
    XCTAssertNoThrow(try withoutGradients {
      try CAMExplainer(model: CAMFixtures.cifarModel, method: .eigenCAM).explain(batch: x, target: .predicted)
    })
  }
}
