import Autodiff
import AutodiffTestSupport
import XCTest

/// concat and stack: values and finite-difference gradients for every input.
final class ConcatTests: XCTestCase {
  func testValues() {
    let a = Tensor(shape: [2, 2], doubles: [1, 2, 3, 4])
    let b = Tensor(shape: [2, 1], doubles: [5, 6])
    XCTAssertEqual(concat([a, b], axis: 1).doubles, [1, 2, 5, 3, 4, 6])
    XCTAssertEqual(concat([a, a], axis: 0).shape, [4, 2])
    XCTAssertEqual(concat([a, a], axis: -2).doubles, [1, 2, 3, 4, 1, 2, 3, 4])
    let s = stack([a, a * 10.0], axis: 1)
    XCTAssertEqual(s.shape, [2, 2, 2])
    XCTAssertEqual(s.doubles, [1, 2, 10, 20, 3, 4, 30, 40])
    XCTAssertEqual(stack([b, b], axis: -1).shape, [2, 1, 2])
  }

  func testOnlyTrackedInputsGetGradients() throws {
    let a = Tensor(shape: [2], doubles: [1, 2]).tracked()
    let b = Tensor(shape: [3], doubles: [3, 4, 5])
    let y = (concat([a, b], axis: 0) * Tensor(shape: [5], doubles: [1, 2, 3, 4, 5])).sum()
    var stats = BackwardStatistics()
    XCTAssertEqual(try gradients(of: y, wrt: [a], statistics: &stats)[0].doubles, [1, 2])
  }

  // |analytic - numeric| <= 1e-6 + 1e-5 |numeric| (Double, step 1e-6).
  func testGradients() throws {
    let a = Tensor.uniform([2, 3, 4], low: -1, high: 1, seed: 1, dtype: .float64)
    let b = Tensor.uniform([2, 1, 4], low: -1, high: 1, seed: 2, dtype: .float64)
    let c = Tensor.uniform([2, 2, 4], low: -1, high: 1, seed: 3, dtype: .float64)
    try assertGradientsMatch([a, b, c]) { concat($0, axis: 1) }
    try assertGradientsMatch([a, a * 2.0]) { stack($0, axis: 3) }
    try assertGradientsMatch([a]) { concat([$0[0], $0[0] * $0[0]], axis: 0) }  // one input used twice
  }
}
