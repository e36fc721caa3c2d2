import Autodiff
import AutodiffTestSupport
import Foundation
import XCTest

/// exp, log, sqrt, pow (scalar and tensor exponent), tanh, sigmoid, relu and gelu.
/// Gradient checks: float64, epsilon 1e-6, atol 1e-6, rtol 1e-5 unless stated.
final class ActivationTests: XCTestCase {
  func testExponentialFamilyGradients() {
    let x = uniform([3, 4], 1, low: -2, high: 2)
    let positive = uniform([3, 4], 2, low: 0.3, high: 3)
    assertGradients("exp", [x]) { exp($0[0]) }
    assertGradients("log (x in [0.3, 3))", [positive]) { log($0[0]) }
    assertGradients("sqrt (x in [0.3, 3))", [positive]) { sqrt($0[0]) }
  }

  func testPowScalarExponentGradients() {
    let positive = uniform([2, 5], 3, low: 0.3, high: 3)
    for p in [2.0, 3.0, 0.5, -1.5, 1.0, 0.0, 2.7] {
      assertGradients("pow(x, \(p)), x > 0", [positive]) { pow($0[0], p) }
    }
    // Integral exponents on negative bases.
    let signed = awayFromZero([2, 5], 4)
    for p in [2.0, 3.0, -2.0] {
      assertGradients("pow(x, \(p)), x of both signs", [signed]) { pow($0[0], p) }
    }
  }

  func testPowTensorExponentGradients() {
    // Broadcast base [2, 3] against exponent [3], and exponent [2, 1]: gradients for both.
    let base = uniform([2, 3], 5, low: 0.3, high: 3)
    assertGradients("pow(base [2,3], exponent [3])", [base, uniform([3], 6, low: -2, high: 2)]) {
      pow($0[0], $0[1])
    }
    assertGradients("pow(base [2,3], exponent [2,1])", [base, uniform([2, 1], 7, low: -2, high: 2)]) {
      pow($0[0], $0[1])
    }
  }

  func testPowTensorExponentNegativeBaseGradient() {
    // Negative bases with integral (constant) exponents: the base gradient is finite.
    let exponent = Tensor(shape: [3], doubles: [2, 3, -1])
    assertGradients("pow(base of both signs, integral exponent tensor)", [awayFromZero([2, 3], 11)]) {
      pow($0[0], exponent)
    }
  }

  func testExponentialForwardValues() {
    let x = Tensor(shape: [4], doubles: [0.25, 1, 2, 4])
    XCTAssertEqual(sqrt(x).doubles, [0.5, 1, 1.4142135623730951, 2])
    XCTAssertEqual(pow(x, 2).doubles, [0.0625, 1, 4, 16])
    XCTAssertEqual(pow(x, -1).doubles, [4, 1, 0.5, 0.25])
    XCTAssertEqual(pow(Tensor(shape: [2], doubles: [-2, -3]), 3).doubles, [-8, -27])
    assertClose(pow(x, Tensor(shape: [4], doubles: [2, 3, 0.5, -0.5])),
                Tensor(shape: [4], doubles: [0.0625, 1, 1.4142135623730951, 0.5]),
                atol: 1e-15, rtol: 1e-14, "pow(tensor, tensor) forward")
    assertClose(log(exp(x)), x, atol: 1e-15, rtol: 1e-15, "log(exp(x))")
  }

  func testPowSpecialCasesMatchTorch() throws {
    // Values and gradients of sum(pow(b, e)) from torch.pow (torch 2.15.0, float64): negative
    // bases with integral exponents, 0^0 = 1, and the zero-gradient conventions at base 0.
    let b = Tensor(shape: [6], doubles: [-2, -1.5, 0, 0, 0, 2]).tracked()
    let e = Tensor(shape: [6], doubles: [3, 2, 0, 2, -1, 0.5]).tracked()
    let y = pow(b, e)
    let g = try gradients(of: y.sum(), wrt: [b, e])
    let sqrt2 = 2.0.squareRoot()
    XCTAssertEqual(y.doubles, [-8, 2.25, 1, 0, .infinity, sqrt2])
    XCTAssertEqual(g[0].doubles, [12, -3, 0, 0, -.infinity, 0.3535533905932738])
    let ge = g[1].doubles
    XCTAssertTrue(ge[0].isNaN && ge[1].isNaN, "log of a negative base: \(ge)")
    XCTAssertEqual(Array(ge[2...4]), [0, 0, -.infinity])
    XCTAssertEqual(ge[5], sqrt2 * Foundation.log(2.0), accuracy: 1e-15)
    // Scalar exponents: x^0 = 1 with gradient 0 everywhere; x^2 at 0 has gradient 0.
    let x = Tensor(shape: [3], doubles: [-2, 0, 3]).tracked()
    XCTAssertEqual(pow(x, 0).doubles, [1, 1, 1])
    XCTAssertEqual(try gradients(of: pow(x, 0).sum(), wrt: [x])[0].doubles, [0, 0, 0])
    XCTAssertEqual(try gradients(of: pow(x, 2).sum(), wrt: [x])[0].doubles, [-4, 0, 6])
    XCTAssertEqual(try gradients(of: pow(x, 3).sum(), wrt: [x])[0].doubles, [12, 0, 27])
    // Float32 takes the same paths.
    XCTAssertEqual(pow(Tensor(shape: [2], scalars: [-2, -0.5]), 3).scalars, [-8, -0.125])
    XCTAssertEqual(pow(Tensor(shape: [1], scalars: [-3]), Tensor(shape: [1], scalars: [2])).scalars, [9])
  }

  func testActivationGradients() {
    let x = uniform([3, 7], 8, low: -4, high: 4)
    assertGradients("tanh", [x]) { tanh($0[0]) }
    assertGradients("sigmoid", [x]) { sigmoid($0[0]) }
    assertGradients("gelu", [x]) { gelu($0[0]) }
    // Keep inputs at least 0.1 away from relu's kink at 0.
    assertGradients("relu (|x| >= 0.1)", [awayFromZero([3, 7], 9)]) { relu($0[0]) }
  }

  func testActivationForwardValues() {
    let xs: [Double] = [-3, -0.5, 0, 0.5, 3]
    let x = Tensor(shape: [5], doubles: xs)
    assertClose(tanh(x), Tensor(shape: [5], doubles: xs.map { Foundation.tanh($0) }),
                atol: 1e-15, rtol: 1e-15, "tanh forward")
    assertClose(sigmoid(x), Tensor(shape: [5], doubles: xs.map { 1 / (1 + Foundation.exp(-$0)) }),
                atol: 1e-15, rtol: 1e-15, "sigmoid forward")
    XCTAssertEqual(relu(x).doubles, [0, 0, 0, 0.5, 3])
    // GELU exact: x * Phi(x); values from torch.nn.functional.gelu (torch 2.15.0, float64).
    let expected: [Double] = [
      -0.00404969409489031, -0.15426876936299344, 0, 0.34573123063700656, 2.99595030590511,
    ]
    assertClose(gelu(x), Tensor(shape: [5], doubles: expected), atol: 1e-15, rtol: 1e-13, "gelu forward")
    // Large magnitudes saturate without NaN in float32.
    let big = Tensor(shape: [2], scalars: [-100, 100])
    XCTAssertEqual(sigmoid(big).scalars, [0, 1])
    XCTAssertEqual(tanh(big).scalars, [-1, 1])
    XCTAssertEqual(gelu(big).scalars, [0, 100])
  }

  func testReluSubgradientAtZeroIsZero() throws {
    // PyTorch's convention: relu'(0) = 0.
    let x = Tensor(shape: [3], doubles: [-1, 0, 1]).tracked()
    XCTAssertEqual(try gradients(of: relu(x).sum(), wrt: [x])[0].doubles, [0, 0, 1])
  }
}
