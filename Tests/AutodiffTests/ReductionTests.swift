import Autodiff
import AutodiffTestSupport
import XCTest

/// sum, mean, max and variance over one, several, negative and all axes, with and without
/// keepingDimensions. Gradient checks: float64, epsilon 1e-6, atol 1e-6, rtol 1e-5. Inputs are
/// continuous random values, so `max` has no ties within any finite-difference step.
final class ReductionTests: XCTestCase {
  /// Axis sets: nil (all), single, several, negative, mixed.
  static let axisSets: [[Int]?] = [nil, [0], [1], [-1], [0, 2], [-3, -1], [1, -1], [0, 1, 2]]

  func testSumMeanGradients() {
    let x = uniform([3, 4, 5], 1)
    for axes in Self.axisSets {
      for keep in [false, true] {
        let label = "axes \(axes.map { "\($0)" } ?? "all") keep \(keep)"
        assertGradients("sum \(label)", [x]) { $0[0].sum(alongAxes: axes, keepingDimensions: keep) }
        assertGradients("mean \(label)", [x]) { $0[0].mean(alongAxes: axes, keepingDimensions: keep) }
      }
    }
  }

  func testMaxGradients() {
    let x = uniform([3, 4, 5], 2)
    for axes in Self.axisSets {
      for keep in [false, true] {
        assertGradients("max axes \(axes.map { "\($0)" } ?? "all") keep \(keep)", [x]) {
          $0[0].max(alongAxes: axes, keepingDimensions: keep)
        }
      }
    }
  }

  func testVarianceGradients() {
    let x = uniform([3, 4, 5], 3)
    for axes in Self.axisSets {
      for unbiased in [false, true] {
        for keep in [false, true] {
          assertGradients("variance axes \(axes.map { "\($0)" } ?? "all") unbiased \(unbiased) keep \(keep)", [x]) {
            $0[0].variance(alongAxes: axes, unbiased: unbiased, keepingDimensions: keep)
          }
        }
      }
    }
  }

  func testShapesAndValues() {
    let x = Tensor(shape: [2, 3], doubles: [1, 5, 3, 4, 2, 6])
    XCTAssertEqual(x.sum().shape, [])
    XCTAssertEqual(x.sum().item, 21)
    XCTAssertEqual(x.sum(alongAxes: [0]).doubles, [5, 7, 9])
    XCTAssertEqual(x.sum(alongAxes: [-1], keepingDimensions: true).shape, [2, 1])
    XCTAssertEqual(x.sum(alongAxes: [-1], keepingDimensions: true).doubles, [9, 12])
    XCTAssertEqual(x.mean(alongAxes: [1]).doubles, [3, 4])
    XCTAssertEqual(x.max(alongAxes: [1]).doubles, [5, 6])
    XCTAssertEqual(x.max(alongAxes: [0], keepingDimensions: true).shape, [1, 3])
    XCTAssertEqual(x.max(alongAxes: [0], keepingDimensions: true).doubles, [4, 5, 6])
    XCTAssertEqual(x.max().item, 6)
    XCTAssertEqual(x.variance(alongAxes: [1]).doubles, [8.0 / 3, 8.0 / 3])
    XCTAssertEqual(x.variance(alongAxes: [1], unbiased: true).doubles, [4, 4])
    XCTAssertEqual(x.variance().item, 17.5 / 6, accuracy: 1e-15)
    // Several axes of a rank-3 tensor, against explicit loops.
    let y = uniform([3, 4, 5], 4)
    let v = y.doubles
    let s = y.sum(alongAxes: [0, 2]).doubles
    let m = y.max(alongAxes: [-3, -1], keepingDimensions: true)
    XCTAssertEqual(m.shape, [1, 4, 1])
    for j in 0..<4 {
      var total = 0.0, best = -Double.infinity
      for i in 0..<3 { for k in 0..<5 { total += v[(i * 4 + j) * 5 + k]; best = Swift.max(best, v[(i * 4 + j) * 5 + k]) } }
      XCTAssertEqual(s[j], total, accuracy: 1e-14)
      XCTAssertEqual(m.doubles[j], best)
    }
  }

  func testMaxGradientGoesToTheFirstMaximumOnTies() throws {
    // Like PyTorch's max(dim) indices: ties send the whole gradient to the first maximum.
    let x = Tensor(shape: [2, 3], doubles: [2, 7, 7, 1, 1, 1]).tracked()
    let g = try gradients(of: x.max(alongAxes: [1]).sum(), wrt: [x])[0]
    XCTAssertEqual(g.doubles, [0, 1, 0, 1, 0, 0])
    let all = try gradients(of: x.max(), wrt: [x])[0]
    XCTAssertEqual(all.doubles, [0, 1, 0, 0, 0, 0])
  }
}
