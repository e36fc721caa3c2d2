import Autodiff
import AutodiffTestSupport
import Foundation
import XCTest

/// Bad input gives clear, specific messages: shape mismatches name both shapes and the dimension,
/// gradient requests say what to do, and the gradient checker refuses inputs it cannot use.
/// (Shape mismatches inside ops are preconditions that stop the process with the same
/// `Shape.broadcast` message prefixed by the op name; they are checked here through
/// `Shape.broadcast` itself, since a test cannot survive a precondition failure.)
final class BadInputTests: XCTestCase {
  func testBroadcastMismatchMessages() {
    let cases: [([Int], [Int], String)] = [
      ([2, 3], [3, 2], "shapes [2, 3] and [3, 2] cannot be broadcast together (dimension 0: 2 vs 3)"),
      ([5, 1, 4], [3, 5], "shapes [5, 1, 4] and [3, 5] cannot be broadcast together (dimension 2: 4 vs 5)"),
      ([4], [2, 3], "shapes [4] and [2, 3] cannot be broadcast together (dimension 1: 4 vs 3)"),
      ([2, 3, 4], [2, 2, 4], "shapes [2, 3, 4] and [2, 2, 4] cannot be broadcast together (dimension 1: 3 vs 2)"),
    ]
    for (a, b, message) in cases {
      XCTAssertThrowsError(try Shape.broadcast(a, b)) { error in
        XCTAssertEqual(error as? ShapeError, ShapeError(message))
        XCTAssertEqual("\(error)", message)
      }
    }
  }

  func testBroadcastSuccesses() throws {
    XCTAssertEqual(try Shape.broadcast([2, 1, 4], [3, 1]), [2, 3, 4])
    XCTAssertEqual(try Shape.broadcast([], [2, 3]), [2, 3])
    XCTAssertEqual(try Shape.broadcast([1], []), [1])
    XCTAssertEqual(try Shape.broadcast([0, 3], [1, 3]), [0, 3])
    XCTAssertEqual(try Shape.broadcast([5, 1], [1, 6]), [5, 6])
  }

  func testGradientCheckerRefusesNonFiniteAndFloat32Inputs() {
    let good = uniform([3], 1)
    let nan = Tensor(shape: [3], doubles: [1, 2, .nan])
    XCTAssertThrowsError(try checkGradients([good, nan]) { $0[0] * $0[1] }) { error in
      XCTAssertEqual("\(error)", "checkGradients: input 1 has a non-finite value at element 2")
    }
    let inf = Tensor(shape: [2], doubles: [-.infinity, 0])
    XCTAssertThrowsError(try checkGradients([inf]) { exp($0[0]) }) { error in
      XCTAssertEqual("\(error)", "checkGradients: input 0 has a non-finite value at element 0")
    }
    let f32 = Tensor(shape: [2], scalars: [1, 2])
    XCTAssertThrowsError(try checkGradients([f32]) { exp($0[0]) }) { error in
      XCTAssertEqual("\(error)", "checkGradients: input 0 is float32; use float64 for finite differences")
    }
  }

  func testGradientCheckerCatchesAWrongGradient() throws {
    // A deliberately wrong rule (the forward of x*x with the gradient of x) must fail the check,
    // with the worst element named: the checker is not vacuous.
    let x = Tensor(shape: [3], doubles: [0.5, 1, 2])
    let report = try checkGradients([x]) { xs in xs[0] * xs[0].detached() }
    XCTAssertFalse(report.passed)
    XCTAssertTrue("\(report)".hasPrefix("worst ratio"), "\(report)")
    let good = try checkGradients([x]) { xs in xs[0] * xs[0] }
    XCTAssertTrue(good.passed, "\(good)")
    XCTAssertLessThan(good.worstRatio, 0.1)
  }

  func testGradientRequestMessages() {
    let plain = Tensor(shape: [2], doubles: [1, 2])
    let t = plain.tracked()
    let y = (t * t).sum()
    func message(_ body: () throws -> Any) -> String {
      do { _ = try body(); return "no error" } catch { return "\(error)" }
    }
    XCTAssertEqual(
      message { try gradients(of: y, wrt: [t, plain]) },
      "gradients: wrt[1] is not in the graph; mark it with .tracked() before computing from it")
    XCTAssertEqual(
      message { try gradients(of: y, wrt: [Tensor.ones([2], dtype: .float64).tracked()]) },
      "gradients: wrt[0] does not influence the output (pass allowUnused: true to get zeros)")
    XCTAssertEqual(
      message { try gradients(of: t * t, wrt: [t]) },
      "gradients: the output has shape [2]; reduce it to a scalar or pass a seed gradient")
    XCTAssertEqual(
      message { try gradients(of: (plain * plain).sum(), wrt: [t]) },
      "gradients: the output was not recorded; compute it from a .tracked() tensor with gradients enabled")
    XCTAssertEqual(
      message { try gradients(of: withoutGradients { (t * t).sum() }, wrt: [t]) },
      "gradients: the output was not recorded; compute it from a .tracked() tensor with gradients enabled")
    XCTAssertEqual(
      message { try gradients(of: t * t, wrt: [t], seed: Tensor.ones([3], dtype: .float64)) },
      "gradients: seed of shape [3] does not match the output shape [2]")
    // Detached copies are not in the graph either.
    XCTAssertThrowsError(try gradients(of: y, wrt: [t.detached()])) { error in
      XCTAssertEqual(error as? AutodiffError, .notInGraph(index: 0))
    }
  }

  func testSeededGradient() throws {
    // A seed replaces the scalar requirement: d(sum(seed * t^2))/dt = 2 t seed.
    let t = Tensor(shape: [2], doubles: [1, 2]).tracked()
    let g = try gradients(of: t * t, wrt: [t], seed: Tensor(shape: [2], doubles: [3, -1]))[0]
    XCTAssertEqual(g.doubles, [6, -4])
  }

  func testMissingFixtureMessage() {
    XCTAssertThrowsError(try loadFixture("no_such_fixture", bundle: .module, subdirectory: "Fixtures/parity")) { error in
      XCTAssertEqual("\(error)", "fixture Fixtures/parity/no_such_fixture.npy is missing from the test bundle")
    }
  }
}
