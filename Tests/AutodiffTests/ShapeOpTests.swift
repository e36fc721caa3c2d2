import Autodiff
import AutodiffTestSupport
import XCTest

/// reshape, flatten, permute, transpose, broadcast, expandingShape, squeezingShape.
/// Gradient checks: float64, epsilon 1e-6, atol 1e-6, rtol 1e-5 (these ops are linear, so the
/// finite differences are exact up to rounding).
final class ShapeOpTests: XCTestCase {
  func testGradients() {
    let x = uniform([2, 3, 4], 1)
    assertGradients("reshape [2,3,4] -> [4,-1]", [x]) { $0[0].reshaped([4, -1]) }
    assertGradients("reshape to [24]", [x]) { $0[0].reshaped([24]) }
    assertGradients("flatten from 1", [x]) { $0[0].flattened(from: 1) }
    assertGradients("flatten from -1", [x]) { $0[0].flattened(from: -1) }
    assertGradients("permute [2,0,1]", [x]) { $0[0].permuted([2, 0, 1]) }
    assertGradients("permute [-1,1,0]", [x]) { $0[0].permuted([-1, 1, 0]) }
    assertGradients("transpose last two", [x]) { $0[0].transposed() }
    assertGradients("transpose 0,2", [x]) { $0[0].transposed(0, 2) }
    assertGradients("broadcast [3,1] -> [2,3,4]", [uniform([3, 1], 2)]) { $0[0].broadcast(to: [2, 3, 4]) }
    assertGradients("broadcast [] -> [2,2]", [uniform([], 3)]) { $0[0].broadcast(to: [2, 2]) }
    assertGradients("expandingShape at 0 and -1", [x]) { $0[0].expandingShape(at: 0).expandingShape(at: -1) }
    assertGradients("squeezingShape", [uniform([2, 1, 3], 4)]) { $0[0].squeezingShape(at: 1) }
    // A 5-D permute as in multi-head attention (B, N, 3, H, D) -> (3, B, H, N, D).
    assertGradients("permute 5-D [2,0,3,1,4]", [uniform([2, 3, 3, 2, 2], 5)]) { $0[0].permuted([2, 0, 3, 1, 4]) }
  }

  func testValues() {
    let x = Tensor(shape: [2, 3], doubles: [1, 2, 3, 4, 5, 6])
    XCTAssertEqual(x.transposed().shape, [3, 2])
    XCTAssertEqual(x.transposed().doubles, [1, 4, 2, 5, 3, 6])
    XCTAssertEqual(x.reshaped([3, -1]).shape, [3, 2])
    XCTAssertEqual(x.reshaped([-1]).doubles, [1, 2, 3, 4, 5, 6])
    XCTAssertEqual(x.expandingShape(at: 1).shape, [2, 1, 3])
    XCTAssertEqual(x.expandingShape(at: -1).shape, [2, 3, 1])
    XCTAssertEqual(x.expandingShape(at: 1).squeezingShape(at: -2).shape, [2, 3])
    XCTAssertEqual(Tensor(shape: [3], doubles: [1, 2, 3]).broadcast(to: [2, 3]).doubles, [1, 2, 3, 1, 2, 3])
    XCTAssertEqual(Tensor(shape: [2, 1], doubles: [1, 2]).broadcast(to: [2, 2]).doubles, [1, 1, 2, 2])
    let y = uniform([2, 3, 4], 6)
    let p = y.permuted([2, 0, 1])
    XCTAssertEqual(p.shape, [4, 2, 3])
    for i in 0..<2 { for j in 0..<3 { for k in 0..<4 {
      XCTAssertEqual(p.doubles[(k * 2 + i) * 3 + j], y.doubles[(i * 3 + j) * 4 + k])
    } } }
    XCTAssertEqual(y.flattened(from: 1).shape, [2, 12])
    XCTAssertEqual(y.flattened().shape, [24])
  }

  func testBroadcastGradientSumsCopies() throws {
    let x = Tensor(shape: [2, 1], doubles: [1, 2]).tracked()
    let g = try gradients(of: x.broadcast(to: [3, 2, 4]).sum(), wrt: [x])[0]
    XCTAssertEqual(g.shape, [2, 1])
    XCTAssertEqual(g.doubles, [12, 12])
  }
}
