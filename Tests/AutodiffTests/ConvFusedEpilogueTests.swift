import Autodiff
import AutodiffTestSupport
import XCTest

/// conv2d's fused epilogue (bias, residual, ReLU) equals the unfused ops, and its gradient is right.
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

  /// A residual block's `relu(conv(h) + b + identity)` in one op: bit-for-bit the unfused ops
  /// (same additions in the same order), for 1x1 and 3x3 kernels, batch 1 and 3, with and without
  /// a bias, and with the weight packed once.
  func testFusedResidualEqualsUnfused() throws {
    for (kernel, batch, withBias) in [(1, 1, true), (3, 3, true), (3, 1, false)] {
      let x = Tensor.uniform([batch, 8, 9, 10], low: -1, high: 1, seed: 31)
      let w = Tensor.uniform([16, 8, kernel, kernel], low: -1, high: 1, seed: 32)
      let b = withBias ? Tensor.uniform([16], low: -1, high: 1, seed: 33) : nil
      let opts = Conv2dOptions(stride: 1, padding: kernel / 2)
      let identity = Tensor.uniform([batch, 16, 9, 10], low: -2, high: 2, seed: 34)
      let plain = relu(conv2d(x, weight: w, bias: b, options: opts) + identity)
      let fused = conv2d(x, weight: w, bias: b, options: opts, residual: identity, activation: .relu)
      XCTAssertEqual(fused.scalars, plain.scalars, "\(kernel)x\(kernel), batch \(batch)")
      if let packed = PackedWeights(convolutionWeight: w) {
        let fast = conv2d(x, weight: w, bias: b, options: opts, residual: identity, activation: .relu, packedWeight: packed)
        XCTAssertEqual(fast.scalars, plain.scalars, "packed \(kernel)x\(kernel), batch \(batch)")
      }
      // float64 runs the BLAS path with the epilogue after the product.
      let plain64 = relu(conv2d(x.converted(to: .float64), weight: w.converted(to: .float64), options: opts)
                         + (b.map { $0.converted(to: .float64).reshaped([1, 16, 1, 1]) } ?? Tensor.zeros([1]).converted(to: .float64))
                         + identity.converted(to: .float64))
      let fused64 = conv2d(x.converted(to: .float64), weight: w.converted(to: .float64), bias: b?.converted(to: .float64),
                           options: opts, residual: identity.converted(to: .float64), activation: .relu)
      XCTAssertLessThanOrEqual(maxAbsDifference(fused64, plain64), 1e-12)
    }
  }

  /// Central differences in Double for x, weight, bias and residual, epsilon 1e-6, atol 1e-6,
  /// rtol 1e-5 (no pre-activation within 1e-3 of the ReLU kink; checked below).
  func testFusedResidualGradientMatchesFiniteDifferences() throws {
    let x = Tensor.uniform([2, 3, 5, 5], low: -1, high: 1, seed: 41, dtype: .float64)
    let w = Tensor.uniform([4, 3, 3, 3], low: -1, high: 1, seed: 42, dtype: .float64)
    let b = Tensor.uniform([4], low: -1, high: 1, seed: 43, dtype: .float64)
    let r = Tensor.uniform([2, 4, 3, 3], low: -1, high: 1, seed: 44, dtype: .float64)
    let opts = Conv2dOptions(stride: 2, padding: 1)
    let pre = conv2d(x, weight: w, bias: b, options: opts) + r
    XCTAssertGreaterThan(pre.doubles.map(abs).min()!, 1e-3)
    let report = try checkGradients([x, w, b, r]) {
      conv2d($0[0], weight: $0[1], bias: $0[2], options: opts, residual: $0[3], activation: .relu)
    }
    XCTAssertTrue(report.passed, "\(report)")
  }
}
