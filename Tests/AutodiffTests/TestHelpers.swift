import Autodiff
import AutodiffTestSupport
import Foundation
import XCTest

// Shared helpers of the Autodiff tests: seeded float64 inputs, a gradient-check assertion that
// states its tolerances, and a closeness assertion for parity with reference values.
//
// Every check prints one line `[gradcheck] <label>: ...` or `[parity] <label>: ...` with its worst
// numbers, so a test log shows the accuracy actually achieved, not only pass/fail.

/// Uniform float64 values in `[low, high)` from a fixed seed.
func uniform(_ shape: [Int], _ seed: UInt64, low: Double = -1, high: Double = 1) -> Tensor {
  Tensor.uniform(shape, low: low, high: high, seed: seed, dtype: .float64)
}

/// Uniform float64 values with `|x| >= margin`: inputs kept away from a kink at 0 (relu, abs).
func awayFromZero(_ shape: [Int], _ seed: UInt64, margin: Double = 0.1) -> Tensor {
  let u = uniform(shape, seed).doubles.map { $0 < 0 ? $0 - margin : $0 + margin }
  return Tensor(shape: shape, doubles: u)
}

/// Default finite-difference tolerances (float64): step 1e-6, |analytic - numeric| <= 1e-6 + 1e-5 |numeric|.
enum GradTolerance {
  static let epsilon = 1e-6
  static let atol = 1e-6
  static let rtol = 1e-5
}

/// Checks `f`'s gradients against central finite differences and fails with the worst element.
func assertGradients(
  _ label: String, _ inputs: [Tensor], epsilon: Double = GradTolerance.epsilon,
  atol: Double = GradTolerance.atol, rtol: Double = GradTolerance.rtol,
  file: StaticString = #filePath, line: UInt = #line, _ f: ([Tensor]) -> Tensor
) {
  do {
    let report = try checkGradients(inputs, epsilon: epsilon, atol: atol, rtol: rtol, f)
    let w = report.worst
    print(
      "[gradcheck] \(label): worst |a-n| = \(abs(w.analytic - w.numeric)) "
        + "(ratio \(report.worstRatio) of atol \(atol) + rtol \(rtol)·|n|, eps \(epsilon))")
    XCTAssertTrue(
      report.passed, "\(label): \(report) (epsilon \(epsilon), atol \(atol), rtol \(rtol))",
      file: file, line: line)
  } catch {
    XCTFail("\(label): \(error)", file: file, line: line)
  }
}

/// Asserts `actual` matches `expected` elementwise within `atol + rtol * |expected|`, and the
/// shapes agree. Prints the largest absolute and scaled differences.
@discardableResult
func assertClose(
  _ actual: Tensor, _ expected: Tensor, atol: Double, rtol: Double, _ label: String,
  file: StaticString = #filePath, line: UInt = #line
) -> Double {
  guard actual.shape == expected.shape else {
    XCTFail("\(label): shape \(actual.shape) != expected \(expected.shape)", file: file, line: line)
    return .infinity
  }
  var worstRatio = 0.0, worstAbs = 0.0, worstIndex = 0
  let a = actual.doubles, e = expected.doubles
  for i in 0..<a.count {
    let d = abs(a[i] - e[i])
    let ratio = d / (atol + rtol * abs(e[i]))
    worstAbs = max(worstAbs, d)
    if !(ratio <= worstRatio) {
      worstRatio = ratio.isNaN ? .infinity : ratio
      worstIndex = i
    }
  }
  let scale = e.reduce(0) { max($0, abs($1)) }
  print(
    "[parity] \(label): max |diff| = \(worstAbs), max |expected| = \(scale), "
      + "ratio \(worstRatio) of atol \(atol) + rtol \(rtol)·|e|")
  XCTAssertLessThanOrEqual(
    worstRatio, 1,
    "\(label): element \(worstIndex) is \(a.isEmpty ? .nan : a[worstIndex]), expected "
      + "\(e.isEmpty ? .nan : e[worstIndex]) (atol \(atol), rtol \(rtol))", file: file, line: line)
  return worstRatio
}

/// `x` rounded to bfloat16 (8 significant bits) to nearest, ties to even, as AVX512-BF16's
/// vcvtne2ps2bf16 rounds: the float32 bits plus 0x7FFF plus the lowest kept bit, cut to the top
/// 16 (a carry into the exponent rounds up to the next binade or to infinity). NaN stays NaN.
func bfloat16Rounded(_ x: Float) -> Float {
  guard !x.isNaN else { return x }
  let bits = x.bitPattern
  return Float(bitPattern: (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) & 0xFFFF_0000)
}
