import Autodiff
import AutodiffTestSupport
import Foundation
import XCTest

/// relu6, hardsigmoid, hardswish and SiLU: forward values against their PyTorch definitions
/// computed here in float64, and gradients against central finite differences (float64,
/// epsilon 1e-6, atol 1e-6, rtol 1e-5), with inputs kept 0.05 away from every kink.
final class MobileActivationTests: XCTestCase {
  /// Values on both sides of every kink (-3, 0, 3, 6) and in between.
  let x = Tensor(shape: [2, 7], doubles: [-7.5, -3.05, -2.95, -0.4, 0.05, 0.8, 2.95, 3.05, 4.2, 5.95, 6.05, 9, -1.7, 1.3])

  func testForwardValues() {
    let v = x.doubles
    func relu6Ref(_ t: Double) -> Double { min(max(t, 0), 6) }
    assertClose(relu6(x), Tensor(shape: x.shape, doubles: v.map(relu6Ref)), atol: 1e-15, rtol: 1e-15, "relu6")
    assertClose(hardSigmoid(x), Tensor(shape: x.shape, doubles: v.map { relu6Ref($0 + 3) / 6 }), atol: 1e-15, rtol: 1e-14, "hardsigmoid")
    assertClose(hardSwish(x), Tensor(shape: x.shape, doubles: v.map { $0 * relu6Ref($0 + 3) / 6 }), atol: 1e-15, rtol: 1e-14, "hardswish")
    assertClose(silu(x), Tensor(shape: x.shape, doubles: v.map { $0 / (1 + Foundation.exp(-$0)) }), atol: 1e-15, rtol: 1e-14, "silu")
  }

  func testGradients() {
    assertGradients("relu6", [x]) { relu6($0[0]) }
    assertGradients("hardsigmoid", [x]) { hardSigmoid($0[0]) }
    assertGradients("hardswish", [x]) { hardSwish($0[0]) }
    assertGradients("silu", [x]) { silu($0[0]) }
    assertGradients("silu on uniform inputs", [uniform([3, 4], 21, low: -5, high: 5)]) { silu($0[0]) }
  }
}
