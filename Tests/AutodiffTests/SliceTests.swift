import Autodiff
import AutodiffTestSupport
import XCTest

/// slice, narrowed, selecting(index:): values and finite-difference gradients.
final class SliceTests: XCTestCase {
  func testValues() {
    let x = Tensor(shape: [2, 5], doubles: (0..<10).map(Double.init))
    XCTAssertEqual(x.slice(axis: 1, range: 1..<5, step: 2).doubles, [1, 3, 6, 8])  // x[:, 1:5:2]
    XCTAssertEqual(x.slice(axis: -1, range: 0..<5, step: 3).doubles, [0, 3, 5, 8])
    XCTAssertEqual(x.slice(axis: 1, range: 2..<2).shape, [2, 0])
    XCTAssertEqual(x.narrowed(axis: 0, start: 1, length: 1).doubles, [5, 6, 7, 8, 9])
    XCTAssertEqual(x.selecting(index: -1, axis: 1).doubles, [4, 9])
    XCTAssertEqual(x.selecting(index: 0, axis: 0).shape, [5])
  }

  // |analytic - numeric| <= 1e-6 + 1e-5 |numeric| (Double, step 1e-6).
  func testGradients() throws {
    let x = Tensor.uniform([2, 3, 6, 5], low: -1, high: 1, seed: 1, dtype: .float64)
    try assertGradientsMatch([x]) { $0[0].slice(axis: 2, range: 1..<6, step: 2) }
    try assertGradientsMatch([x]) { $0[0].narrowed(axis: 1, start: 1, length: 2) }
    try assertGradientsMatch([x]) { $0[0].selecting(index: 2, axis: -1) }
  }
}
