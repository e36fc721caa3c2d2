import Autodiff
import AutodiffTestSupport
import XCTest

/// matmul (2-D, batched, broadcast batch dims in either or both operands) and linear.
/// Gradient checks: float64, epsilon 1e-6, atol 1e-6, rtol 1e-5.
final class MatMulTests: XCTestCase {
  static let shapePairs: [([Int], [Int])] = [
    ([3, 4], [4, 5]),  // plain
    ([1, 1], [1, 3]),  // k = 1
    ([2, 3, 4], [2, 4, 5]),  // same batch
    ([2, 3, 4, 5], [3, 5, 2]),  // right batch broadcast over the first batch dim
    ([2, 1, 4, 5], [3, 5, 6]),  // both batch dims broadcast
    ([4, 5], [2, 5, 3]),  // matrix x batch
    ([2, 3, 4, 5], [5, 2]),  // batch x matrix
    ([1, 4, 5], [3, 5, 2]),  // size-1 batch dim
  ]

  func testGradients() {
    for (i, (sa, sb)) in Self.shapePairs.enumerated() {
      assertGradients("matmul \(sa) x \(sb)", [uniform(sa, UInt64(i)), uniform(sb, UInt64(100 + i))]) {
        matmul($0[0], $0[1])
      }
    }
  }

  func testForwardAgainstLoops() {
    for (i, (sa, sb)) in Self.shapePairs.enumerated() {
      let a = uniform(sa, UInt64(200 + i)), b = uniform(sb, UInt64(300 + i))
      let c = matmul(a, b)
      assertClose(c, naiveMatmul(a, b), atol: 1e-14, rtol: 1e-14, "matmul \(sa) x \(sb) vs loops")
    }
  }

  func testLinearGradients() {
    let x = uniform([2, 3, 5], 1), w = uniform([4, 5], 2), b = uniform([4], 3)
    assertGradients("linear [2,3,5] W [4,5] b [4]", [x, w, b]) { linear($0[0], weight: $0[1], bias: $0[2]) }
    assertGradients("linear [6,5] W [3,5] no bias", [uniform([6, 5], 4), uniform([3, 5], 5)]) {
      linear($0[0], weight: $0[1])
    }
    assertGradients("linear [5] (rank 1) W [3,5]", [uniform([5], 6), uniform([3, 5], 7), uniform([3], 8)]) {
      linear($0[0], weight: $0[1], bias: $0[2])
    }
  }

  func testLinearMatchesMatmul() {
    let x = uniform([2, 3, 5], 9), w = uniform([4, 5], 10), b = uniform([4], 11)
    let y = linear(x, weight: w, bias: b)
    XCTAssertEqual(y.shape, [2, 3, 4])
    assertClose(y, matmul(x, w.transposed()) + b, atol: 1e-15, rtol: 1e-14, "linear = x W^T + b")
    XCTAssertEqual(linear(uniform([5], 12), weight: w).shape, [4])
  }

  /// float32 linear adds its bias in the GEMM's store (the kernel's column bias, or the epilogue
  /// after BLAS): against the float64 linear on shapes crossing the kernels' tiles, one split
  /// across cores.
  /// Tolerance: 1e-5 absolute + 1e-5 relative (float32 accumulation over at most 384 terms in [-1, 1]).
  func testFloat32LinearWithBiasAgainstFloat64() {
    for (i, (rows, inputs, outputs)) in [(37, 70, 45), (1, 384, 17), (197, 150, 140)].enumerated() {
      let x = uniform([rows, inputs], UInt64(400 + i)), w = uniform([outputs, inputs], UInt64(410 + i))
      let b = uniform([outputs], UInt64(420 + i))
      let y32 = linear(x.converted(to: .float32), weight: w.converted(to: .float32), bias: b.converted(to: .float32))
      XCTAssertEqual(y32.dtype, .float32)
      assertClose(y32, linear(x, weight: w, bias: b), atol: 1e-5, rtol: 1e-5, "float32 linear [\(rows), \(inputs)] -> \(outputs)")
    }
  }

  func testFloat32() {
    let a = uniform([2, 3, 4, 5], 13), b = uniform([3, 5, 2], 14)
    let f32 = matmul(a.converted(to: .float32), b.converted(to: .float32))
    XCTAssertEqual(f32.dtype, .float32)
    assertClose(f32, matmul(a, b), atol: 1e-6, rtol: 1e-6, "float32 batched matmul vs float64")
  }
}

/// Batched matrix product by explicit loops, broadcasting batch dims as numpy.
func naiveMatmul(_ a: Tensor, _ b: Tensor) -> Tensor {
  let (m, k, n) = (a.shape[a.rank - 2], a.shape[a.rank - 1], b.shape[b.rank - 1])
  let batchA = Array(a.shape.dropLast(2)), batchB = Array(b.shape.dropLast(2))
  let batch = try! Shape.broadcast(batchA, batchB)
  let count = Shape.count(batch)
  let av = a.doubles, bv = b.doubles
  var out = [Double](repeating: 0, count: count * m * n)
  func offset(_ index: [Int], _ shape: [Int]) -> Int {
    // Right-aligned index into a (possibly broadcast) batch shape.
    var o = 0
    let pad = index.count - shape.count
    for (d, size) in shape.enumerated() { o = o * size + (size == 1 ? 0 : index[pad + d]) }
    return o
  }
  for bi in 0..<count {
    var index = [Int](repeating: 0, count: batch.count), rem = bi
    for d in stride(from: batch.count - 1, through: 0, by: -1) { index[d] = rem % batch[d]; rem /= batch[d] }
    let oa = offset(index, batchA) * m * k, ob = offset(index, batchB) * k * n
    for i in 0..<m {
      for j in 0..<n {
        var s = 0.0
        for p in 0..<k { s += av[oa + i * k + p] * bv[ob + p * n + j] }
        out[(bi * m + i) * n + j] = s
      }
    }
  }
  return Tensor(shape: batch + [m, n], doubles: out)
}
