import Autodiff
import AutodiffTestSupport
import XCTest

/// gather (torch.gather) and selecting(indices:axis:) (torch.index_select): values and gradients,
/// including repeated indices (whose gradients accumulate).
final class GatherTests: XCTestCase {
  func testGatherValues() {
    // torch.gather(x, 1, [[2, 0], [1, 1]]) with x = [[0, 1, 2], [3, 4, 5]].
    let x = Tensor(shape: [2, 3], doubles: [0, 1, 2, 3, 4, 5])
    XCTAssertEqual(gather(x, axis: 1, indices: [2, 0, 1, 1], shape: [2, 2]).doubles, [2, 0, 4, 4])
    // Along axis 0 with a smaller index shape: out[i][j] = x[idx[i][j]][j].
    XCTAssertEqual(gather(x, axis: 0, indices: [1, 0], shape: [1, 2]).doubles, [3, 1])
  }

  func testIndexSelectValues() {
    let x = Tensor(shape: [3, 2], doubles: [0, 1, 2, 3, 4, 5])
    XCTAssertEqual(x.selecting(indices: [2, 0, 2], axis: 0).doubles, [4, 5, 0, 1, 4, 5])
    XCTAssertEqual(x.selecting(indices: [1], axis: 1).doubles, [1, 3, 5])
  }

  func testRepeatedIndicesAccumulate() throws {
    let x = Tensor(shape: [3], doubles: [1, 2, 3]).tracked()
    let y = x.selecting(indices: [1, 1, 2], axis: 0).sum()
    XCTAssertEqual(try gradients(of: y, wrt: [x])[0].doubles, [0, 2, 1])
    let z = gather(x, axis: 0, indices: [0, 0], shape: [2]).sum()
    XCTAssertEqual(try gradients(of: z, wrt: [x])[0].doubles, [2, 0, 0])
  }

  // |analytic - numeric| <= 1e-6 + 1e-5 |numeric| (Double, step 1e-6).
  func testGradients() throws {
    let x = Tensor.uniform([3, 4, 5], low: -1, high: 1, seed: 1, dtype: .float64)
    var rng = SplitMix64(seed: 9)
    let idx = (0..<(2 * 6 * 3)).map { _ in Int(rng.next() % 4) }
    try assertGradientsMatch([x]) { gather($0[0], axis: 1, indices: idx, shape: [2, 6, 3]) }
    try assertGradientsMatch([x]) { $0[0].selecting(indices: [4, 0, 4, 2], axis: 2) }
  }
}
