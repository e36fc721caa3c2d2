import Autodiff
import AutodiffTestSupport
import GradCAM
import Networks
import XCTest

/// Deletion / insertion AUC and the CAM-multiplied confidence change.
final class FaithfulnessTests: XCTestCase {
  func testCurvesHaveStepsPlusOnePointsAndMeetAtTheEnds() throws {
    let (batch, labels) = CAMFixtures.cifarBatch
    let x = batch.slice(axis: 0, range: 0..<4)
    let result = try CAMExplainer(model: CAMFixtures.cifarModel, method: .gradCAM)
      .explain(batch: x, target: .groundTruth, labels: Array(labels.prefix(4)))
    var metrics = FaithfulnessMetrics(model: CAMFixtures.cifarModel)
    metrics.steps = 8
    let deletion = metrics.deletion(inputs: x, result: result)
    let insertion = metrics.insertion(inputs: x, result: result)
    XCTAssertEqual(deletion.count, 4)
    let clean = result.probabilities.scalars
    let blank = softmax(CAMFixtures.cifarModel.logits(Tensor.zeros([1, 3, 32, 32])), axis: 1).scalars
    for (i, (d, ins)) in zip(deletion, insertion).enumerated() {
      XCTAssertEqual(d.fractions, (0...8).map { Double($0) / 8 })
      // Deletion starts at the clean score and ends at the all-baseline score; insertion the reverse.
      XCTAssertEqual(d.scores[0], Double(clean[i * 10 + labels[i]]), accuracy: 1e-5)
      XCTAssertEqual(d.scores[8], Double(blank[labels[i]]), accuracy: 1e-5)
      XCTAssertEqual(ins.scores[0], Double(blank[labels[i]]), accuracy: 1e-5)
      XCTAssertEqual(ins.scores[8], Double(clean[i * 10 + labels[i]]), accuracy: 1e-5)
      XCTAssertTrue((0...1).contains(d.auc) && (0...1).contains(ins.auc))
    }
  }

  func testAUCIsTheTrapezoidRule() {
    let curve = PerturbationCurve(fractions: [0, 0.5, 1], scores: [1, 0.5, 0])
    XCTAssertEqual(curve.auc, 0.5, accuracy: 1e-12)
    XCTAssertEqual(PerturbationCurve(fractions: [0, 0.25, 1], scores: [1, 1, 0]).auc, 0.25 + 0.375, accuracy: 1e-12)
  }

  /// With the whole map kept, the change is pytorch-grad-cam's CamMultImageConfidenceChange:
  /// score(input × map) − score(input). Keeping 0 % leaves the all-zero (mean-colour) input.
  func testConfidenceChangeMultipliesTheNormalisedInputByTheMap() throws {
    let model = CAMFixtures.cifarModel
    let (batch, labels) = CAMFixtures.cifarBatch
    let x = batch.slice(axis: 0, range: 0..<2)
    let result = try CAMExplainer(model: model, method: .gradCAM).explain(batch: x, target: .groundTruth, labels: Array(labels.prefix(2)))
    var metrics = FaithfulnessMetrics(model: model)
    metrics.score = .logit
    let change = metrics.confidenceChange(inputs: x, maps: result.maps, imageIndices: [0, 1], classes: result.targetClasses)
    let masked = x * result.maps.reshaped([2, 1, 32, 32])
    let after = model.logits(masked).scalars, before = result.logits.scalars
    for i in 0..<2 {
      let c = result.targetClasses[i]
      XCTAssertEqual(change[i], Double(after[i * 10 + c] - before[i * 10 + c]), accuracy: 1e-4)
    }
    let none = metrics.confidenceChange(inputs: x, maps: result.maps, imageIndices: [0, 1], classes: result.targetClasses, keepFraction: 0)
    let zero = model.logits(Tensor.zeros([1, 3, 32, 32])).scalars
    XCTAssertEqual(none[0], Double(zero[result.targetClasses[0]] - before[result.targetClasses[0]]), accuracy: 1e-4)
  }

  func testBlurredBaselineIsASmoothedCopy() {
    let v: [Float] = (0..<25).map { $0 == 12 ? 1 : 0 }
    let b = GaussianBlur.apply(v, channels: 1, height: 5, width: 5, sigma: 1)
    XCTAssertEqual(Double(b.reduce(0, +)), 1, accuracy: 0.05)
    XCTAssertLessThan(b[12], 1)
    XCTAssertEqual(b[11], b[13])
    XCTAssertEqual(b[7], b[17])
  }
}
