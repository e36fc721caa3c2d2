import Autodiff
import AutodiffTestSupport
import GradCAM
import Networks
import XCTest

/// Every CNN method on the real CIFAR-10 ResNet-56 (layer3, target = ground truth) against
/// pytorch-grad-cam 1.5.7 on the same 20 test images (Scripts/fixtures/make_cam_fixtures.py).
/// Tolerance on the normalised maps: 1e-4 (Score-CAM 1e-3).
final class CIFARCAMParityTests: XCTestCase {
  func explain(_ method: CAMMethod) throws -> CAMResult {
    let (batch, labels) = CAMFixtures.cifarBatch
    let explainer = try CAMExplainer(model: CAMFixtures.cifarModel, method: method)
    XCTAssertEqual(explainer.layer, "layer3")
    let result = try explainer.explain(batch: batch, target: .groundTruth, labels: labels)
    XCTAssertEqual(result.maps.shape, [20, 32, 32])
    XCTAssertEqual(result.rawMaps.shape, [20, 8, 8])
    XCTAssertEqual(result.targetClasses, labels)
    return result
  }

  func check(_ method: CAMMethod, tolerance: Double = 1e-4) throws {
    let result = try explain(method)
    let expected = CAMFixtures.fixture("cifar_\(method.rawValue.replacingOccurrences(of: "++", with: "pp"))")
    let diff = maxAbsDifference(result.maps, expected)
    reportParity("cifar56 \(method)", diff)
    XCTAssertLessThanOrEqual(diff, tolerance, "\(method)")
  }

  func testGradCAM() throws { try check(.gradCAM) }

  /// Chunked explanation (batch size 7 over 20 images) gives the same maps and layout.
  func testChunkedBatchesGiveTheSameMaps() throws {
    let (batch, labels) = CAMFixtures.cifarBatch
    let explainer = try CAMExplainer(model: CAMFixtures.cifarModel, method: .layerCAM)
    explainer.batchSize = 7
    let r = try explainer.explain(batch: batch, target: .groundTruth, labels: labels)
    XCTAssertEqual(r.imageIndices, Array(0..<20))
    XCTAssertEqual(r.targetClasses, labels)
    XCTAssertEqual(r.logits.shape, [20, 10])
    XCTAssertLessThanOrEqual(maxAbsDifference(r.maps, CAMFixtures.fixture("cifar_layercam")), 1e-4)
    let top = try explainer.explain(batch: batch, target: .topK(2))
    XCTAssertEqual(top.imageIndices, (0..<20).flatMap { [$0, $0] })
  }
  func testGradCAMPlusPlus() throws { try check(.gradCAMPlusPlus) }
  func testXGradCAM() throws { try check(.xGradCAM) }
  func testHiResCAM() throws { try check(.hiResCAM) }
  func testLayerCAM() throws { try check(.layerCAM) }
  func testScoreCAM() throws { try check(.scoreCAM, tolerance: 1e-3) }

  /// Eigen-CAM's SVD sign is arbitrary in numpy; we fix it (see PrincipalDirection). Where
  /// numpy's sign agreed with the convention the fixture is pytorch-grad-cam's literal output;
  /// elsewhere it is pytorch-grad-cam's pipeline with the convention's sign.
  func testEigenCAM() throws { try checkEigen(.eigenCAM) }
  func testEigenGradCAM() throws { try checkEigen(.eigenGradCAM) }

  func checkEigen(_ method: CAMMethod) throws {
    let result = try explain(method)
    let name = "cifar_\(method.rawValue)"
    let agrees = CAMFixtures.ints("\(name)_sign_agrees")
    let same = agrees.indices.filter { agrees[$0] == 1 }
    let other = agrees.indices.filter { agrees[$0] == 0 }
    XCTAssertFalse(same.isEmpty)
    XCTAssertFalse(other.isEmpty, "the fixture should exercise both signs")
    let expected = CAMFixtures.fixture(name)
    let literal = maxAbsDifference(rows(result.maps, same), rows(expected, same))
    let flipped = maxAbsDifference(rows(result.maps, other), rows(expected, other))
    reportParity("cifar56 \(method) (numpy sign agrees, literal pgc, \(same.count)/20)", literal)
    reportParity("cifar56 \(method) (numpy sign differs, pgc with convention sign, \(other.count)/20)", flipped)
    XCTAssertLessThanOrEqual(literal, 1e-4)
    XCTAssertLessThanOrEqual(flipped, 1e-4)
  }
}
