import Autodiff
import AutodiffTestSupport
import GradCAM
import Networks
import XCTest

/// ROAD against pytorch-grad-cam 1.5.7's `ROADMostRelevantFirst`, `ROADLeastRelevantFirst` and
/// `ROADCombined` (imputation noise 0) on the real CIFAR-10 ResNet-56, the first 4 fixture images
/// and pytorch-grad-cam's Grad-CAM maps of them (Scripts/fixtures/make_road_fixtures.py).
/// Tolerances: imputed pixels 1e-4 (float64 conjugate gradients vs scipy's spsolve, float32
/// storage); logit changes 2e-3 (the model's float32 logits against PyTorch's).
final class ROADTests: XCTestCase {
  private var inputs: (batch: Tensor, maps: Tensor, labels: [Int]) {
    let (batch, labels) = CAMFixtures.cifarBatch
    let first = Array(0..<4)
    return (batch.selecting(indices: first, axis: 0), rows(CAMFixtures.fixture("cifar_gradcam"), first), Array(labels.prefix(4)))
  }

  private func road() -> ROAD {
    var r = ROAD(model: CAMFixtures.cifarModel)
    r.noise = 0
    return r
  }

  func testImputationMatchesNoisyLinearImputer() {
    let (batch, maps, _) = inputs
    let image = Array(batch.scalars.prefix(3 * 32 * 32))
    let map = Array(maps.scalars.prefix(32 * 32))
    let threshold = ROAD.percentile(map, 50)
    let imputed = ROAD.impute(image, channels: 3, height: 32, width: 32, keep: map.map { $0 < threshold })
    let expected = CAMFixtures.fixture("road_imputed_morf50").scalars
    let diff = zip(imputed, expected).map { abs(Double($0) - Double($1)) }.max()!
    reportParity("ROAD imputation (MoRF 50)", diff)
    XCTAssertLessThanOrEqual(diff, 1e-4)
    XCTAssertEqual(map.filter { $0 >= threshold }.count, 512, "half the pixels imputed")
  }

  func testPerPercentileAndCombinedScores() {
    let (batch, maps, labels) = inputs
    let r = road()
    let morf = CAMFixtures.fixture("road_morf").doubles, lerf = CAMFixtures.fixture("road_lerf").doubles
    var worst = 0.0
    // Three of the nine percentiles one by one (the combined score below uses all nine).
    for k in [0, 4, 8] {
      let p = r.percentiles[k]
      let m = r.change(inputs: batch, maps: maps, imageIndices: [0, 1, 2, 3], classes: labels, percentile: p, mostRelevantFirst: true)
      let l = r.change(inputs: batch, maps: maps, imageIndices: [0, 1, 2, 3], classes: labels, percentile: p, mostRelevantFirst: false)
      for i in 0..<4 {
        worst = max(worst, abs(m[i] - morf[k * 4 + i]), abs(l[i] - lerf[k * 4 + i]))
      }
    }
    reportParity("ROAD MoRF/LeRF logit changes", worst)
    XCTAssertLessThanOrEqual(worst, 2e-3)
    let combined = r.combined(inputs: batch, maps: maps, imageIndices: [0, 1, 2, 3], classes: labels)
    let expected = CAMFixtures.fixture("road_combined").doubles
    for i in 0..<4 { XCTAssertEqual(combined[i], expected[i], accuracy: 2e-3, "image \(i)") }
  }

  /// numpy.percentile's linear interpolation: values 0...9, 25th percentile = 2.25, 90th = 8.1.
  func testPercentile() {
    let v: [Float] = [9, 3, 1, 0, 8, 2, 7, 5, 6, 4]
    XCTAssertEqual(ROAD.percentile(v, 25), 2.25, accuracy: 1e-6)
    XCTAssertEqual(ROAD.percentile(v, 90), 8.1, accuracy: 1e-6)
  }
}
