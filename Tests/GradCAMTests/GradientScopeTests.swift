import Autodiff
import GradCAM
import Networks
import XCTest

/// Only what the target needs is differentiated: the graph starts at the tapped layer, so the
/// backward pass of Grad-CAM runs no rule below it, and no parameter is ever tracked.
final class GradientScopeTests: XCTestCase {
  func testGradCAMDifferentiatesNothingBelowTheLayerAndNoParameter() throws {
    let model = CAMFixtures.cifarModel
    let (batch, labels) = CAMFixtures.cifarBatch
    let top = try CAMExplainer(model: model, method: .gradCAM, layer: "layer3")
      .explain(batch: batch, target: .groundTruth, labels: labels)
    // Above layer3 there are only the global average pool, the linear head (matmul + bias) and
    // the score; convolutions, batch norms and ReLUs all sit below it.
    let below: Set<String> = ["conv2d", "conv2d+relu", "channelAffine", "relu", "pad", "maxPool2d"]
    XCTAssertFalse(top.backward.ops.isEmpty)
    XCTAssertTrue(Set(top.backward.ops).isDisjoint(with: below), "ops run: \(top.backward.ops)")
    XCTAssertLessThanOrEqual(top.backward.ops.count, 8, "\(top.backward.ops)")

    // The check has teeth: one block lower, the last block's convolutions are differentiated
    // (and only those of the blocks above the tapped one).
    let lower = try CAMExplainer(model: model, method: .gradCAM, layer: "layer3.7")
      .explain(batch: batch, target: .groundTruth, labels: labels)
    let convs = lower.backward.ops.filter { $0.hasPrefix("conv2d") }.count  // conv2d+relu: a fused epilogue
    XCTAssertEqual(convs, 2, "layer3.8 has two convolutions: \(lower.backward.ops)")

    // Parameters are constants: none is part of any graph, before or after explaining.
    for name in model.parameters.names {
      XCTAssertFalse(model.parameters[name].isTracked, name)
    }
  }

  func testGradientFreeMethodsRunNoBackwardPass() throws {
    let (batch, labels) = CAMFixtures.cifarBatch
    let small = batch.slice(axis: 0, range: 0..<2)
    for method in [CAMMethod.eigenCAM, .scoreCAM] {
      let r = try CAMExplainer(model: CAMFixtures.cifarModel, method: method)
        .explain(batch: small, target: .groundTruth, labels: Array(labels.prefix(2)))
      XCTAssertEqual(r.backward, BackwardStatistics(), "\(method)")
    }
  }
}
