import Autodiff
import AutodiffTestSupport
import XCTest
import Foundation

/// crossEntropy: finite-difference gradients and parity with torch.nn.functional.cross_entropy.
final class CrossEntropyTests: XCTestCase {
  func testKnownValue() {
    // Uniform logits over 4 classes: loss = log 4 for every sample.
    let logits = Tensor.zeros([3, 4], dtype: .float64)
    XCTAssertEqual(crossEntropy(logits, labels: [0, 1, 3]).item, Foundation.log(4.0), accuracy: 1e-12)
    XCTAssertEqual(crossEntropy(logits, labels: [0, 1, 3], reduction: .sum).item, 3 * Foundation.log(4.0), accuracy: 1e-12)
    XCTAssertEqual(crossEntropy(logits, labels: [0, 1, 3], reduction: .none).shape, [3])
  }

  // |analytic - numeric| <= 1e-6 + 1e-5 |numeric| (Double, step 1e-6).
  func testGradients() throws {
    let logits = Tensor.uniform([5, 4], low: -2, high: 2, seed: 1, dtype: .float64)
    let labels = [0, 3, 1, 1, 2]
    for reduction in LossReduction.allCases {
      for eps in [0.0, 0.2] {
        try assertGradientsMatch([logits]) {
          crossEntropy($0[0], labels: labels, reduction: reduction, labelSmoothing: eps)
        }
      }
    }
  }

  // Reference: torch 2.15 CPU F.cross_entropy, float32 (Scripts/fixtures/make_ops_fixtures.py);
  // tolerance |a - b| <= 1e-5 + 1e-5 |b|.
  func testMatchesTorch() throws {
    let labels = try opsFixture("ce_labels").doubles.map { Int($0) }
    for reduction in LossReduction.allCases {
      for eps in [0.0, 0.1] {
        try assertTorchParity("ce_\(reduction.rawValue)_ls\(Int(eps * 10))") {
          crossEntropy($0, labels: labels, reduction: reduction, labelSmoothing: eps)
        }
      }
    }
  }
}
