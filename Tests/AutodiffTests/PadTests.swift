import Autodiff
import AutodiffTestSupport
import XCTest

/// pad: values (against hand-written results) and finite-difference gradients.
final class PadTests: XCTestCase {
  func testValues() {
    let x = Tensor(shape: [1, 2, 2], doubles: [1, 2, 3, 4])
    // F.pad(x, (1, 0, 0, 1), value=9): left 1 column, bottom 1 row.
    let y = pad(x, [(0, 1), (1, 0)], value: 9)
    XCTAssertEqual(y.shape, [1, 3, 3])
    XCTAssertEqual(y.doubles, [9, 1, 2, 9, 3, 4, 9, 9, 9])
    XCTAssertEqual(pad(x, [(1, 1)]).doubles, [0, 1, 2, 0, 0, 3, 4, 0])
    XCTAssertEqual(pad(x, [(0, 0)]).doubles, x.doubles)
  }

  // |analytic - numeric| <= 1e-6 + 1e-5 |numeric| (Double, step 1e-6).
  func testGradients() throws {
    let x = Tensor.uniform([2, 3, 4, 5], low: -1, high: 1, seed: 1, dtype: .float64)
    try assertGradientsMatch([x]) { pad($0[0], [(1, 2), (0, 3)], value: 0.5) }
    try assertGradientsMatch([x]) { pad($0[0], [(1, 0), (0, 0), (2, 1), (1, 1)]) }
  }
}
