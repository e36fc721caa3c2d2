import Autodiff
import CKernels
import XCTest

/// The AVX-512 SGEMM kernel (Sources/CKernels) against a float64 reference product, on shapes that
/// hit every edge of its blocking (12-row and 32-column tiles, 256-deep blocks, 240-row and
/// 4096-column panels), all four transpose cases, alpha/beta, leading dimensions wider than the
/// matrix and the fused epilogue (bias, residual, ReLU).
/// Tolerance: |c - ref| <= 1e-5 * (1 + sum_p |a_ip b_pj|) (float32 accumulation over k terms).
final class SGEMMKernelTests: XCTestCase {
  override func setUpWithError() throws {
    try XCTSkipUnless(ck_sgemm_available() == 1, "this processor has no AVX-512: products run on OpenBLAS")
  }

  private struct Case {
    var m: Int, n: Int, k: Int
    var transA = false, transB = false
    var alpha: Float = 1, beta: Float = 0
    var bias = false, relu = false, residual = false
    var pad = 0  // extra columns in every leading dimension
  }

  private func check(_ c: Case, seed: UInt64) {
    var rng = SplitMix64(seed: seed)
    let (rowsA, colsA) = c.transA ? (c.k, c.m) : (c.m, c.k)
    let (rowsB, colsB) = c.transB ? (c.n, c.k) : (c.k, c.n)
    let lda = colsA + c.pad, ldb = colsB + c.pad, ldc = c.n + c.pad
    let a = (0..<(rowsA * lda)).map { _ in rng.uniform() }
    let b = (0..<(rowsB * ldb)).map { _ in rng.uniform() }
    let bias = (0..<c.m).map { _ in rng.uniform() }
    let ldr = c.n + 2 * c.pad + 1
    let residual = (0..<(c.m * ldr)).map { _ in rng.uniform() }
    // With beta 0 the old contents must not be read: NaN there must not leak into the result.
    let start = (0..<(c.m * ldc)).map { _ in c.beta == 0 ? Float.nan : rng.uniform() }
    var out = start
    a.withUnsafeBufferPointer { ap in
      b.withUnsafeBufferPointer { bp in
        bias.withUnsafeBufferPointer { biasp in
          residual.withUnsafeBufferPointer { rp in
            out.withUnsafeMutableBufferPointer { cp in
              if c.residual {
                var epilogue = ck_epilogue(bias: c.bias ? biasp.baseAddress : nil, residual: rp.baseAddress, ldr: ldr,
                                           relu: c.relu ? 1 : 0)
                ck_sgemm_packed(c.transA ? 1 : 0, c.transB ? 1 : 0, c.m, c.n, c.k, c.alpha, ap.baseAddress, lda, nil,
                                bp.baseAddress, ldb, nil, c.beta, cp.baseAddress, ldc, &epilogue)
              } else {
                ck_sgemm(c.transA ? 1 : 0, c.transB ? 1 : 0, c.m, c.n, c.k, c.alpha, ap.baseAddress, lda,
                         bp.baseAddress, ldb, c.beta, cp.baseAddress, ldc, c.bias ? biasp.baseAddress : nil,
                         c.relu ? 1 : 0)
              }
            }
          }
        }
      }
    }
    var worst = 0.0
    for i in 0..<c.m {
      for j in 0..<ldc {
        let got = Double(out[i * ldc + j])
        guard j < c.n else {
          // Padding columns of C are never written.
          XCTAssertTrue(got == Double(start[i * ldc + j]) || (got.isNaN && start[i * ldc + j].isNaN), "\(c): wrote padding")
          continue
        }
        var sum = 0.0, magnitude = 0.0
        for p in 0..<c.k {
          let x = Double(c.transA ? a[p * lda + i] : a[i * lda + p])
          let y = Double(c.transB ? b[j * ldb + p] : b[p * ldb + j])
          sum += x * y
          magnitude += abs(x * y)
        }
        var want = Double(c.alpha) * sum + (c.beta == 0 ? 0 : Double(c.beta) * Double(start[i * ldc + j]))
        if c.bias { want += Double(bias[i]) }
        if c.residual { want += Double(residual[i * ldr + j]) }
        if c.relu { want = max(want, 0) }
        let error = abs(got - want) / (1 + magnitude)
        worst = max(worst, error.isNaN ? .infinity : error)
      }
    }
    XCTAssertLessThanOrEqual(worst, 1e-5, "\(c)")
  }

  func testEdgesOfEveryBlock() {
    var seed: UInt64 = 1
    for m in [1, 11, 12, 13, 241] {
      for n in [1, 17, 31, 32, 33, 65] {
        for k in [1, 7, 256, 300] {
          check(Case(m: m, n: n, k: k), seed: seed)
          seed += 1
        }
      }
    }
  }

  func testTransposesAlphaBetaAndLeadingDimensions() {
    var seed: UInt64 = 100
    for transA in [false, true] {
      for transB in [false, true] {
        for (alpha, beta) in [(Float(1), Float(0)), (0.5, 1), (-2, 0.25)] {
          check(Case(m: 29, n: 45, k: 270, transA: transA, transB: transB, alpha: alpha, beta: beta, pad: 3), seed: seed)
          seed += 1
        }
      }
    }
  }

  func testFusedBiasAndReLU() {
    check(Case(m: 30, n: 50, k: 513, bias: true), seed: 7)
    check(Case(m: 30, n: 50, k: 513, bias: true, relu: true), seed: 8)
    check(Case(m: 30, n: 50, k: 20, relu: true), seed: 9)
    check(Case(m: 30, n: 50, k: 600, alpha: 0.5, beta: 1, bias: true, relu: true, pad: 2), seed: 10)
    // The residual (a ResNet block's shortcut) is added after the bias and before the ReLU.
    check(Case(m: 30, n: 50, k: 600, bias: true, relu: true, residual: true), seed: 14)
    check(Case(m: 13, n: 33, k: 0, beta: 0.5, residual: true, pad: 1), seed: 15)
  }

  /// Prepacked operands (a layer's weights packed once) give bit-for-bit the products of the same
  /// kernel packing on the fly, also for a row block of a packed A and a column block of a packed
  /// B (how products are split across cores), over several depth blocks.
  func testPrepackedOperandsGiveTheSameProducts() {
    var rng = SplitMix64(seed: 42)
    for (m, n, k, transB) in [(37, 70, 600, false), (250, 45, 257, true), (24, 4200, 31, false), (13, 33, 1, true)] {
      let a = (0..<(m * k)).map { _ in rng.uniform() }
      let b = (0..<(k * n)).map { _ in rng.uniform() }
      let bias = (0..<m).map { _ in rng.uniform() }
      let ldb = transB ? k : n
      var packedA = [Float](repeating: .nan, count: ck_sgemm_packed_a_size(m, k))
      var packedB = [Float](repeating: .nan, count: ck_sgemm_packed_b_size(k, n))
      ck_sgemm_pack_a(m, k, a, k, &packedA)
      ck_sgemm_pack_b(transB ? 1 : 0, k, n, b, ldb, &packedB)
      // Row block [12, m) of A and column block [32, n) of B, as the core split would pass them.
      let (r0, c0) = (min(12, m / 12 * 12), min(32, n / 32 * 32))
      let (rows, cols) = (m - r0, n - c0)
      var want = [Float](repeating: 0, count: rows * cols)
      var got = want
      a.withUnsafeBufferPointer { ap in
        b.withUnsafeBufferPointer { bp in
          bias.withUnsafeBufferPointer { biasp in
            let bOffset = transB ? c0 * ldb : c0
            ck_sgemm(0, transB ? 1 : 0, rows, cols, k, 0.5, ap.baseAddress! + r0 * k, k, bp.baseAddress! + bOffset, ldb,
                     0, &want, cols, biasp.baseAddress! + r0, 1)
            packedA.withUnsafeBufferPointer { pa in
              packedB.withUnsafeBufferPointer { pb in
                var opA = ck_packed(data: pa.baseAddress, count: m, offset: r0)
                var opB = ck_packed(data: pb.baseAddress, count: n, offset: c0)
                var epilogue = ck_epilogue(bias: biasp.baseAddress! + r0, residual: nil, ldr: 0, relu: 1)
                ck_sgemm_packed(0, transB ? 1 : 0, rows, cols, k, 0.5, nil, k, &opA, nil, ldb, &opB, 0, &got, cols,
                                &epilogue)
              }
            }
          }
        }
      }
      XCTAssertEqual(got, want, "m \(m) n \(n) k \(k) transB \(transB)")
    }
  }

  func testWidePanelsAndEmptyDepth() {
    check(Case(m: 13, n: 4096 + 40, k: 33), seed: 11)  // two column panels
    check(Case(m: 250, n: 20, k: 5, transA: true), seed: 12)  // two row panels
    check(Case(m: 5, n: 6, k: 0, beta: 0.5, bias: true, relu: true), seed: 13)  // C = relu(beta C + bias)
  }
}

extension SplitMix64 {
  /// A float32 test input in [-1, 1) (24 random bits).
  fileprivate mutating func uniform() -> Float { Float(next() >> 40) / Float(1 << 24) * 2 - 1 }
}
