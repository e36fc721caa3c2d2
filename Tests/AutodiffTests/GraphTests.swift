import Autodiff
import AutodiffTestSupport
import XCTest

/// The graph itself: targets anywhere in the graph, pruning, errors, memory release.
final class GraphTests: XCTestCase {
  func testGradientOfIntermediateActivation() throws {
    // y = sum((2x)^2); dy/d(2x) = 2 * (2x) = 4x.
    let x = Tensor(shape: [3], doubles: [1, -2, 3]).tracked()
    let h = x * 2.0
    let y = (h * h).sum()
    let (gh, gx) = try { let g = try gradients(of: y, wrt: [h, x]); return (g[0], g[1]) }()
    XCTAssertEqual(gh.doubles, [4, -8, 12])
    XCTAssertEqual(gx.doubles, [8, -16, 24])
  }

  func testOnlyTheNeededPartOfTheGraphIsDifferentiated() throws {
    // Weights are constants (untracked): no gradient is ever computed for them, and nothing
    // below the target activation is visited.
    let input = Tensor.uniform([1, 2, 5, 5], seed: 1, dtype: .float64).tracked()
    let w1 = Tensor.uniform([3, 2, 3, 3], seed: 2, dtype: .float64)
    let w2 = Tensor.uniform([4, 3, 3, 3], seed: 3, dtype: .float64)
    let a1 = relu(conv2d(input, weight: w1, options: Conv2dOptions(padding: 1)))
    let a2 = conv2d(a1, weight: w2, options: Conv2dOptions(padding: 1))
    let score = a2.sum()
    var stats = BackwardStatistics()
    _ = try gradients(of: score, wrt: [a1], statistics: &stats)
    XCTAssertEqual(stats.ops, ["sum", "conv2d"])
    XCTAssertEqual(stats.inputGradients, 2)  // d score/d a2, d a2/d a1: no weight, no relu, no conv1
  }

  /// forEachGradient hands over exactly what gradients(of:wrt:) returns, each target once, the
  /// one nearest the output first (its gradient is complete first), a target listed twice under
  /// both indices, unused targets last as zeros (or a throw after the used ones).
  func testForEachGradientStreamsTheSameGradientsNearestTheOutputFirst() throws {
    let x = Tensor(shape: [3], doubles: [1, -2, 3]).tracked()
    let a = x * 2.0
    let b = tanh(a) * a
    let y = (b * b).sum() + a.sum()
    let unused = Tensor(shape: [2], doubles: [1, 1]).tracked()
    let wanted = try gradients(of: y, wrt: [x, a, b, a, unused], allowUnused: true)
    var stats = BackwardStatistics()
    var got: [(Int, Tensor)] = []
    try forEachGradient(of: y, wrt: [x, a, b, a, unused], allowUnused: true, statistics: &stats) { got.append(($0, $1)) }
    XCTAssertEqual(got.map(\.0), [2, 1, 3, 0, 4])
    for (i, g) in got { XCTAssertEqual(g.doubles, wanted[i].doubles, "wrt[\(i)]") }
    XCTAssertEqual(got[4].1.doubles, [0, 0])
    var before: [Int] = []
    XCTAssertThrowsError(try forEachGradient(of: y, wrt: [unused, b], statistics: &stats) { i, _ in before.append(i) }) {
      XCTAssertEqual($0 as? AutodiffError, .unused(index: 0))
    }
    XCTAssertEqual(before, [1])
  }

  func testErrors() {
    let x = Tensor(shape: [2], doubles: [1, 2])
    let t = x.tracked()
    let y = (t * t).sum()
    XCTAssertThrowsError(try gradients(of: y, wrt: [x])) { error in
      XCTAssertEqual(error as? AutodiffError, .notInGraph(index: 0))
      XCTAssertTrue("\(error)".contains("tracked()"))
    }
    let other = Tensor(shape: [2], doubles: [1, 2]).tracked()
    XCTAssertThrowsError(try gradients(of: y, wrt: [other]))
    XCTAssertEqual(try gradients(of: y, wrt: [other], allowUnused: true)[0].doubles, [0, 0])
    XCTAssertThrowsError(try gradients(of: t * t, wrt: [t])) { error in
      XCTAssertEqual(error as? AutodiffError, .notScalar(shape: [2]))
    }
  }

  func testNoGradModeRecordsNothing() {
    let x = Tensor(shape: [2], doubles: [1, 2]).tracked()
    let y = withoutGradients { exp(x) * x }
    XCTAssertFalse(y.isTracked)
    XCTAssertTrue((exp(x) * x).isTracked)
  }

  func testGraphIsReleasedWithItsResult() {
    weak var weakStorageOwner: AnyObject?
    do {
      final class Box {}
      let box = Box()
      weakStorageOwner = box
      var x = Tensor(shape: [4], doubles: [1, 2, 3, 4]).tracked()
      for _ in 0..<10_000 { x = x * 1.0001 + 0.0 }  // a deep chain frees without recursion
      _ = x.sum()
      withExtendedLifetime(box) {}
    }
    XCTAssertNil(weakStorageOwner)
  }

  func testShapeErrorsNameTheShapes() {
    XCTAssertThrowsError(try Shape.broadcast([2, 3], [4])) { error in
      XCTAssertEqual("\(error)", "shapes [2, 3] and [4] cannot be broadcast together (dimension 1: 3 vs 4)")
    }
  }

  func testConvGradientSmoke() throws {
    let x = Tensor.uniform([2, 4, 6, 5], low: -1, high: 1, seed: 3, dtype: .float64)
    let w = Tensor.uniform([6, 2, 3, 2], low: -1, high: 1, seed: 4, dtype: .float64)
    let b = Tensor.uniform([6], low: -1, high: 1, seed: 5, dtype: .float64)
    let opts = Conv2dOptions(stride: (2, 1), padding: (1, 2), dilation: (1, 2), groups: 2)
    let report = try checkGradients([x, w, b]) { conv2d($0[0], weight: $0[1], bias: $0[2], options: opts) }
    XCTAssertTrue(report.passed, "\(report)")
  }
}
