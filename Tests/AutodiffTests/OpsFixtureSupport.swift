import Autodiff
import AutodiffTestSupport
import Foundation
import XCTest

// Helpers shared by the op tests: fixture loading from Fixtures/ops and the PyTorch parity check.
// Fixtures are written by Scripts/fixtures/make_ops_fixtures.py (torch 2.15, CPU).

/// Loads `Fixtures/ops/<name>.npy` from the test bundle.
///
/// `Bundle.url(forResource:withExtension:subdirectory:)` takes the folder path as `subdirectory`
/// (`"Fixtures/ops"`), with the bare file name as the resource.
func opsFixture(_ name: String) throws -> Tensor {
  try loadFixture(name, bundle: .module, subdirectory: "Fixtures/ops")
}

/// Whether every element satisfies `|a - b| <= atol + rtol * |b|`; the message names the worst.
func closeness(_ a: Tensor, _ b: Tensor, atol: Double, rtol: Double) -> (ok: Bool, message: String) {
  guard a.shape == b.shape else { return (false, "shape \(a.shape) != \(b.shape)") }
  var worst = (ratio: 0.0, index: 0)
  for (i, (x, y)) in zip(a.doubles, b.doubles).enumerated() {
    let ratio = abs(x - y) / (atol + rtol * abs(y))
    if !(ratio <= worst.ratio) { worst = (ratio.isNaN ? .infinity : ratio, i) }
  }
  let message = "worst element \(worst.index): \(a.doubles[worst.index]) vs \(b.doubles[worst.index]) (ratio \(worst.ratio))"
  return (worst.ratio <= 1, message)
}

/// Compares `f` with a PyTorch case: output against `<name>_y` and the input gradient of
/// `(f(x) * r).sum()` against `<name>_dx`, within `|a - b| <= atol + rtol * |b|`.
func assertTorchParity(
  _ name: String, atol: Double = 1e-5, rtol: Double = 1e-5, file: StaticString = #filePath,
  line: UInt = #line, _ f: (Tensor) -> Tensor
) throws {
  let x = try opsFixture(name + "_x"), y = try opsFixture(name + "_y")
  let r = try opsFixture(name + "_r"), dx = try opsFixture(name + "_dx")
  let xt = x.tracked()
  let out = f(xt)
  let forward = closeness(out, y, atol: atol, rtol: rtol)
  XCTAssertTrue(forward.ok, "\(name) forward: \(forward.message)", file: file, line: line)
  guard out.shape == y.shape else { return }
  let g = try gradients(of: (out * r).sum(), wrt: [xt])[0]
  let backward = closeness(g, dx, atol: atol, rtol: rtol)
  XCTAssertTrue(backward.ok, "\(name) gradient: \(backward.message)", file: file, line: line)
}

/// Runs `checkGradients` (central differences in Double) and fails with its report.
func assertGradientsMatch(
  _ inputs: [Tensor], atol: Double = 1e-6, rtol: Double = 1e-5, file: StaticString = #filePath,
  line: UInt = #line, _ f: ([Tensor]) -> Tensor
) throws {
  let report = try checkGradients(inputs, atol: atol, rtol: rtol, f)
  XCTAssertTrue(report.passed, "\(report)", file: file, line: line)
}

/// Float64 values that are pairwise at least `0.01` apart (no ties for max pooling), seeded.
func distinctValues(_ shape: [Int], seed: UInt64) -> Tensor {
  let n = Shape.count(shape)
  var rng = SplitMix64(seed: seed)
  var values = (0..<n).map { Double($0) * 0.01 - Double(n) * 0.005 }
  values.shuffle(using: &rng)
  return Tensor(shape: shape, doubles: values)
}

/// How the test bundle resolves fixtures in a subfolder of `Fixtures` on this platform.
final class OpsFixtureLookupTests: XCTestCase {
  func testSubfolderLookup() throws {
    // The folder goes in `subdirectory`; this is what `opsFixture` uses.
    XCTAssertEqual(try opsFixture("opt_b0").shape, [2])
    // A path in the resource name ("ops/opt_b0" under "Fixtures") is also resolved.
    XCTAssertEqual(try loadFixture("ops/opt_b0", bundle: .module).shape, [2])
  }
}
