import Autodiff
import AutodiffTestSupport
import XCTest

/// + - * / with tensors (broadcasting in either or both operands) and Double scalars, negation,
/// and dtype conversion. Gradient checks: float64, epsilon 1e-6, atol 1e-6, rtol 1e-5.
final class ArithmeticTests: XCTestCase {
  /// Shape pairs covering broadcasting of the left operand, the right one, both, and rank changes.
  static let shapePairs: [([Int], [Int])] = [
    ([2, 3], [2, 3]),  // no broadcasting
    ([2, 3, 4], [3, 1]),  // right operand broadcast, lower rank
    ([3, 1], [2, 3, 4]),  // left operand broadcast, lower rank
    ([1, 4], [3, 1]),  // both operands broadcast
    ([2, 1, 4], [2, 3, 1]),  // both, same rank, interleaved
    ([], [2, 3]),  // rank-0 left operand
    ([2, 3], [1]),  // one-element right operand
    ([4], [2, 3, 4]),  // trailing dims match
  ]

  func testAddSubtractMultiplyGradientsWithBroadcasting() {
    for (i, (sa, sb)) in Self.shapePairs.enumerated() {
      let a = uniform(sa, UInt64(10 + i)), b = uniform(sb, UInt64(20 + i))
      assertGradients("add \(sa) + \(sb)", [a, b]) { $0[0] + $0[1] }
      assertGradients("subtract \(sa) - \(sb)", [a, b]) { $0[0] - $0[1] }
      assertGradients("multiply \(sa) * \(sb)", [a, b]) { $0[0] * $0[1] }
    }
  }

  func testDivideGradientsWithBroadcasting() {
    for (i, (sa, sb)) in Self.shapePairs.enumerated() {
      // Denominators in [0.5, 2) keep the quotient smooth.
      let a = uniform(sa, UInt64(30 + i)), b = uniform(sb, UInt64(40 + i), low: 0.5, high: 2)
      assertGradients("divide \(sa) / \(sb)", [a, b]) { $0[0] / $0[1] }
    }
  }

  func testSameTensorOnBothSides() {
    // Gradients from two uses of one input accumulate: d(x*x + x/x... ) checked numerically.
    let x = uniform([3, 4], 50, low: 0.5, high: 2)
    assertGradients("x * x + x / (x + 1) - x", [x]) { $0[0] * $0[0] + $0[0] / ($0[0] + 1.0) - $0[0] }
  }

  func testScalarOperandsAndNegation() {
    let x = uniform([2, 3, 2], 60, low: 0.5, high: 2)
    assertGradients("x + 2.5", [x]) { $0[0] + 2.5 }
    assertGradients("x - 1.5", [x]) { $0[0] - 1.5 }
    assertGradients("x * -3", [x]) { $0[0] * -3.0 }
    assertGradients("x / 4", [x]) { $0[0] / 4.0 }
    assertGradients("1.5 + x", [x]) { 1.5 + $0[0] }
    assertGradients("2 - x", [x]) { 2.0 - $0[0] }
    assertGradients("-2 * x", [x]) { -2.0 * $0[0] }
    assertGradients("3 / x", [x]) { 3.0 / $0[0] }
    assertGradients("-x", [x]) { -$0[0] }
  }

  func testBroadcastForwardValues() {
    let a = Tensor(shape: [2, 1], doubles: [1, 2])
    let b = Tensor(shape: [1, 3], doubles: [10, 20, 30])
    XCTAssertEqual((a + b).shape, [2, 3])
    XCTAssertEqual((a + b).doubles, [11, 21, 31, 12, 22, 32])
    XCTAssertEqual((b - a).doubles, [9, 19, 29, 8, 18, 28])
    XCTAssertEqual((a * b).doubles, [10, 20, 30, 20, 40, 60])
    XCTAssertEqual((b / a).doubles, [10, 20, 30, 5, 10, 15])
    XCTAssertEqual((3.0 / a).doubles, [3, 1.5])
    XCTAssertEqual((2.0 - a).doubles, [1, 0])
    // Interleaved broadcasting of a rank-3 and a rank-2 operand, against index arithmetic.
    let x = uniform([2, 1, 4], 70), y = uniform([3, 1], 71)
    let z = x * y
    XCTAssertEqual(z.shape, [2, 3, 4])
    let xs = x.doubles, ys = y.doubles, zs = z.doubles
    for i in 0..<2 {
      for j in 0..<3 {
        for k in 0..<4 { XCTAssertEqual(zs[(i * 3 + j) * 4 + k], xs[i * 4 + k] * ys[j]) }
      }
    }
  }

  /// Broadcasting whose dimensions the kernel merges (size-1 dimensions dropped, neighbours
  /// contiguous or broadcast in both operands joined), against index arithmetic; exact.
  func testBroadcastWithMergedDimensionsMatchesIndexArithmetic() {
    let pairs: [([Int], [Int])] = [
      ([5, 4, 3, 3], [5, 1, 1, 1]),  // batch norm folded into a 3x3 weight
      ([6, 4, 1, 1], [6, 1, 1, 1]),  // ... into a 1x1 weight
      ([2, 3, 4, 5], [3, 1, 1]),  // a bias over NCHW
      ([2, 3, 4, 5], [1, 3, 4, 1]),
      ([2, 1, 4, 1], [2, 3, 1, 5]),
      ([6, 1, 1], [1, 1, 7]),
      ([3, 1, 4], [1, 2, 1]),
      ([1, 1], [1, 1]),
    ]
    for (sa, sb) in pairs {
      for (x, y) in [(uniform(sa, 90), uniform(sb, 91)), (uniform(sb, 92), uniform(sa, 93))] {
        let z = x * y
        let shape = z.shape
        XCTAssertEqual(shape, try Shape.broadcast(x.shape, y.shape))
        let xs = x.doubles, ys = y.doubles, zs = z.doubles
        func offset(_ index: [Int], in operand: [Int]) -> Int {
          let skip = index.count - operand.count
          return operand.indices.reduce(0) { $0 * operand[$1] + (operand[$1] == 1 ? 0 : index[skip + $1]) }
        }
        for flat in 0..<zs.count {
          var index = [Int](repeating: 0, count: shape.count), rest = flat
          for d in shape.indices.reversed() {
            index[d] = rest % shape[d]
            rest /= shape[d]
          }
          XCTAssertEqual(zs[flat], xs[offset(index, in: x.shape)] * ys[offset(index, in: y.shape)], "\(x.shape) * \(y.shape) at \(index)")
        }
      }
    }
  }

  func testBroadcastGradientValues() throws {
    // d/d b of sum(a + b) for b broadcast over a [2, 3] is the count of its copies.
    let a = uniform([2, 3], 80).tracked(), b = uniform([3], 81).tracked(), c = uniform([2, 1], 82).tracked()
    let g = try gradients(of: (a + b + c).sum(), wrt: [a, b, c])
    XCTAssertEqual(g[0].doubles, [Double](repeating: 1, count: 6))
    XCTAssertEqual(g[1].shape, [3])
    XCTAssertEqual(g[1].doubles, [2, 2, 2])
    XCTAssertEqual(g[2].shape, [2, 1])
    XCTAssertEqual(g[2].doubles, [3, 3])
  }

  func testConversionIsDifferentiableAndKeepsTypes() throws {
    let x = Tensor(shape: [3], scalars: [1, -2, 0.5]).tracked()
    let w = Tensor(shape: [3], doubles: [3, 4, 5])
    let y = (x.converted(to: .float64) * w).sum()
    XCTAssertEqual(y.dtype, .float64)
    let g = try gradients(of: y, wrt: [x])[0]
    XCTAssertEqual(g.dtype, .float32)
    XCTAssertEqual(g.scalars, [3, 4, 5])
    // float64 -> float32 -> float64 round trip: the gradient is the identity (float32-exact values).
    let d = Tensor(shape: [2], doubles: [0.25, -1.5]).tracked()
    let back = try gradients(of: (d.converted(to: .float32).converted(to: .float64) * 2.0).sum(), wrt: [d])[0]
    XCTAssertEqual(back.dtype, .float64)
    XCTAssertEqual(back.doubles, [2, 2])
  }

  func testFloat32MatchesFloat64() {
    // The same broadcasting expression in float32 agrees with float64 to float32 precision.
    let a = uniform([2, 1, 4], 90), b = uniform([3, 1], 91, low: 0.5, high: 2)
    let f64 = (a * b - a / b + 2.0) / 3.0
    let f32 = (a.converted(to: .float32) * b.converted(to: .float32)
      - a.converted(to: .float32) / b.converted(to: .float32) + 2.0) / 3.0
    XCTAssertEqual(f32.dtype, .float32)
    assertClose(f32, f64, atol: 1e-6, rtol: 1e-6, "float32 vs float64 broadcasting expression")
  }
}
