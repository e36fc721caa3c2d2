import Autodiff
import AutodiffTestSupport
import XCTest

/// softmax and logSoftmax over every axis (positive and negative).
/// Gradient checks: float64, epsilon 1e-6, atol 1e-6, rtol 1e-5.
final class SoftmaxTests: XCTestCase {
  func testGradientsOverEveryAxis() {
    let x = uniform([3, 4, 5], 1, low: -3, high: 3)
    for axis in [0, 1, 2, -1, -2, -3] {
      assertGradients("softmax axis \(axis) of [3,4,5]", [x]) { softmax($0[0], axis: axis) }
      assertGradients("logSoftmax axis \(axis) of [3,4,5]", [x]) { logSoftmax($0[0], axis: axis) }
    }
    let v = uniform([6], 2, low: -3, high: 3)
    assertGradients("softmax of a vector", [v]) { softmax($0[0]) }
    assertGradients("logSoftmax of a vector", [v]) { logSoftmax($0[0]) }
  }

  func testForwardProperties() {
    let x = uniform([3, 4, 5], 3, low: -3, high: 3)
    for axis in [0, 1, -1] {
      let y = softmax(x, axis: axis)
      assertClose(y.sum(alongAxes: [axis]), Tensor.ones(y.sum(alongAxes: [axis]).shape, dtype: .float64),
                  atol: 1e-15, rtol: 1e-15, "softmax axis \(axis) sums to 1")
      assertClose(logSoftmax(x, axis: axis), log(y), atol: 1e-14, rtol: 1e-14,
                  "logSoftmax = log(softmax), axis \(axis)")
    }
    // Against the definition along axis 1 of [2, 3].
    let m = Tensor(shape: [2, 3], doubles: [1, 2, 3, -1, 0, 4])
    let e = exp(m)
    assertClose(softmax(m, axis: 1), e / e.sum(alongAxes: [1], keepingDimensions: true),
                atol: 1e-16, rtol: 1e-15, "softmax definition")
  }

  func testLargeInputsAreStable() {
    // The maximum is subtracted first: no overflow to inf/NaN in float32.
    let x = Tensor(shape: [1, 3], scalars: [1000, 1001, 1002])
    let y = softmax(x, axis: -1)
    let expected = softmax(Tensor(shape: [1, 3], scalars: [0, 1, 2]), axis: -1)
    assertClose(y, expected, atol: 1e-7, rtol: 1e-6, "softmax shift invariance at 1000")
    let l = logSoftmax(Tensor(shape: [2], scalars: [-1000, 1000]))
    XCTAssertEqual(l.scalars, [-2000, 0])
    XCTAssertTrue(softmax(Tensor(shape: [2], scalars: [-1e30, 1e30])).scalars.allSatisfy(\.isFinite))
  }
}
