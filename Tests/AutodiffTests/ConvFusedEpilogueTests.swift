import Autodiff
import AutodiffTestSupport
import XCTest

/// conv2d's fused bias + ReLU epilogue equals the unfused ops, and its gradient is right.
final class ConvFusedEpilogueTests: XCTestCase {
  func testFusedEqualsUnfused() {
    let x = Tensor.uniform([2, 3, 7, 6], low: -1, high: 1, seed: 11)
    let w = Tensor.uniform([4, 3, 3, 3], low: -1, high: 1, seed: 12)
    let b = Tensor.uniform([4], low: -1, high: 1, seed: 13)
    let opts = Conv2dOptions(stride: 1, padding: 1)
    let fused = conv2d(x, weight: w, bias: b, options: opts, activation: .relu)
    let plain = relu(conv2d(x, weight: w, options: opts) + b.reshaped([1, 4, 1, 1]))
    XCTAssertLessThanOrEqual(maxAbsDifference(fused, plain), 1e-6)
  }

  /// Central differences in Double, epsilon 1e-6, atol 1e-6, rtol 1e-5 (inputs drawn so that no
  /// pre-activation lies within 1e-3 of the ReLU kink; checked below).
  func testFusedGradientMatchesFiniteDifferences() throws {
    let x = Tensor.uniform([2, 3, 5, 5], low: -1, high: 1, seed: 21, dtype: .float64)
    let w = Tensor.uniform([4, 3, 3, 3], low: -1, high: 1, seed: 22, dtype: .float64)
    let b = Tensor.uniform([4], low: -1, high: 1, seed: 23, dtype: .float64)
    let opts = Conv2dOptions(stride: 2, padding: 1)
    let pre = conv2d(x, weight: w, bias: b, options: opts)
    XCTAssertGreaterThan(pre.doubles.map(abs).min()!, 1e-3)
    let report = try checkGradients([x, w, b]) { conv2d($0[0], weight: $0[1], bias: $0[2], options: opts, activation: .relu) }
    XCTAssertTrue(report.passed, "\(report)")
  }
}
