import Autodiff
import AutodiffTestSupport
import GradCAM
import Networks
import XCTest

/// Method names, targets, errors and the result layout.
final class CAMAPITests: XCTestCase {
  func testMethodNamesParseAsUsersTypeThem() throws {
    XCTAssertEqual(try CAMMethod(parsing: "gradcam"), .gradCAM)
    XCTAssertEqual(try CAMMethod(parsing: "Grad-CAM++"), .gradCAMPlusPlus)
    XCTAssertEqual(try CAMMethod(parsing: "gradcampp"), .gradCAMPlusPlus)
    XCTAssertEqual(try CAMMethod(parsing: "EIGEN_GRAD_CAM"), .eigenGradCAM)
    XCTAssertEqual(try CAMMethod(parsing: "gradrollout"), .gradRollout)
    for m in CAMMethod.allCases { XCTAssertEqual(try CAMMethod(parsing: m.rawValue), m) }
    XCTAssertThrowsError(try CAMMethod(parsing: "gradcan")) { error in
      XCTAssertTrue("\(error)".contains("did you mean 'gradcam'"), "\(error)")
    }
    XCTAssertThrowsError(try CAMMethod(parsing: "scorcam")) { error in
      XCTAssertTrue("\(error)".contains("'scorecam'"), "\(error)")
    }
  }

  func testUnknownLayerSuggestsClosePaths() throws {
    XCTAssertThrowsError(try CAMExplainer(model: CAMFixtures.cifarModel, method: .gradCAM, layer: "layr3")) { error in
      guard case .unknownLayer(let name, let suggestions)? = error as? CAMError else { return XCTFail("\(error)") }
      XCTAssertEqual(name, "layr3")
      XCTAssertEqual(suggestions.first, "layer3")
      XCTAssertTrue("\(error)".contains("did you mean 'layer3'"), "\(error)")
    }
  }

  func testRolloutOnACNNIsRefused() throws {
    XCTAssertThrowsError(try CAMExplainer(model: CAMFixtures.cifarModel, method: .rollout)) { error in
      XCTAssertTrue("\(error)".contains("rollout cannot explain cifar_resnet56"), "\(error)")
    }
  }

  func testTargetsAndTopKLayout() throws {
    let (batch, labels) = CAMFixtures.cifarBatch
    let x = batch.slice(axis: 0, range: 0..<3)
    let explainer = try CAMExplainer(model: CAMFixtures.cifarModel, method: .gradCAM)
    XCTAssertThrowsError(try explainer.explain(batch: x, target: .groundTruth)) { error in
      XCTAssertTrue("\(error)".contains("needs a label per image"), "\(error)")
    }
    XCTAssertThrowsError(try explainer.explain(batch: x, target: .classIndex(10)))
    XCTAssertThrowsError(try explainer.explain(batch: x, target: .groundTruth, labels: [1, 2]))

    let predicted = try explainer.explain(batch: x, target: .predicted)
    XCTAssertEqual(predicted.targetClasses, predicted.predictedClasses)
    let fixed = try explainer.explain(batch: x, target: .classIndex(4))
    XCTAssertEqual(fixed.targetClasses, [4, 4, 4])

    let top = try explainer.explain(batch: x, target: .topK(2))
    XCTAssertEqual(top.maps.shape, [6, 32, 32])
    XCTAssertEqual(top.imageIndices, [0, 0, 1, 1, 2, 2])
    // Rank 1 is the prediction; each map equals the single-target map of its class (images are
    // independent: one backward pass per rank serves the whole batch).
    XCTAssertEqual(stride(from: 0, to: 6, by: 2).map { top.targetClasses[$0] }, predicted.targetClasses)
    XCTAssertLessThanOrEqual(maxAbsDifference(rows(top.maps, [0, 2, 4]), predicted.maps), 1e-6)
    let second = top.targetClasses[1]
    let alone = try explainer.explain(batch: x.slice(axis: 0, range: 0..<1), target: .classIndex(second))
    XCTAssertLessThanOrEqual(maxAbsDifference(rows(top.maps, [1]), alone.maps), 1e-5)
    _ = labels
  }

  func testProbabilitiesAndRawMaps() throws {
    let (batch, labels) = CAMFixtures.cifarBatch
    let r = try CAMExplainer(model: CAMFixtures.cifarModel, method: .hiResCAM)
      .explain(batch: batch.slice(axis: 0, range: 0..<2), target: .groundTruth, labels: Array(labels.prefix(2)))
    XCTAssertEqual(r.probabilities.shape, [2, 10])
    let sums = r.probabilities.sum(alongAxes: [1]).doubles
    for s in sums { XCTAssertEqual(s, 1, accuracy: 1e-5) }
    // The raw map is un-normalised: normalising it reproduces the map.
    let again = CAMScaling.normalise(raw: r.rawMaps.scalars, batch: 2, height: 8, width: 8, to: (32, 32))
    XCTAssertEqual(maxAbsDifference(again, r.maps), 0)
    XCTAssertNotEqual(r.rawMaps.scalars.max(), r.maps.scalars.max(), "raw maps keep their own scale")
  }

  func testMinMaxKeepsAllZeroMapsZero() {
    XCTAssertEqual(CAMScaling.minMax([0, 0, 0, 0], count: 1), [0, 0, 0, 0])
    let m = CAMScaling.minMax([1, 3, 2, 5], count: 1)
    XCTAssertEqual(m[0], 0)
    XCTAssertEqual(m[3], 4 / (4 + 1e-7), accuracy: 1e-7)
  }
}

/// Shared scales for comparing maps across images (e.g. a corruption sweep).
final class SharedScaleTests: XCTestCase {
  func testUpsampledRawMapsKeepTheirMagnitudeAndShareOneRange() {
    let raw: [Float] = [0, 2, 4, -1, 1, 1, 1, 1]  // two 2×2 maps
    let up = CAMScaling.upsampled(raw: raw, batch: 2, height: 2, width: 2, to: (4, 4))
    XCTAssertEqual(up.shape, [2, 4, 4])
    XCTAssertEqual(Double(up.scalars.max()!), 4, accuracy: 1e-6)
    XCTAssertEqual(up.scalars[16..<32].allSatisfy { abs($0 - 1) < 1e-6 }, true, "a flat map stays flat, not 0")
    let shared = CAMScaling.normalise(up, range: 0...4)
    XCTAssertEqual(Double(shared.scalars[16]), 0.25, accuracy: 1e-6)
    XCTAssertEqual(Double(shared.scalars.max()!), 1, accuracy: 1e-6)
    // Per-image normalisation would make the second map all zero and lose the comparison.
    let perImage = CAMScaling.normalise(raw: raw, batch: 2, height: 2, width: 2, to: (4, 4))
    XCTAssertEqual(perImage.scalars[16..<32].max(), 0)
  }
}

final class TargetParsingTests: XCTestCase {
  func testTargetsParseAsUsersTypeThem() throws {
    XCTAssertEqual(try CAMTarget(parsing: "label"), .groundTruth)
    XCTAssertEqual(try CAMTarget(parsing: "Ground-Truth"), .groundTruth)
    XCTAssertEqual(try CAMTarget(parsing: "pred"), .predicted)
    XCTAssertEqual(try CAMTarget(parsing: "281"), .classIndex(281))
    XCTAssertEqual(try CAMTarget(parsing: "class:7"), .classIndex(7))
    XCTAssertEqual(try CAMTarget(parsing: "top-3"), .topK(3))
    XCTAssertEqual(try CAMTarget(parsing: "topk:5"), .topK(5))
    XCTAssertEqual(try CAMTarget(parsing: "top1"), .predicted)
    XCTAssertThrowsError(try CAMTarget(parsing: "best")) { error in
      XCTAssertTrue("\(error)".contains("unknown target 'best'"), "\(error)")
    }
    XCTAssertThrowsError(try CAMTarget(parsing: "top0"))
  }
}
