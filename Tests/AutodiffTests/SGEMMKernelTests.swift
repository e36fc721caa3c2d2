import Autodiff
import CKernels
import XCTest

/// The package's SGEMM kernels (Sources/CKernels: AVX-512 with a 12x32 register tile, AVX2 + FMA
/// with 6x16), each level this processor has, against a float64 reference product, on shapes that
/// hit every edge of their blocking (both tiles, 256-deep blocks, 240-row and 4096-column panels),
/// k = 0, all four transpose cases, alpha/beta, leading dimensions wider than the matrix, every
/// combination of the fused epilogue (row bias, column bias, residual, ReLU), prepacked operands
/// and the implicit im2col of convolutions. The bf16 level (CK_SGEMM_AVX512_BF16, where the
/// processor has AVX512-BF16; BF16KernelTests checks it runs here) takes every case too, against
/// the float64 product of the bf16-rounded operands (`bfloat16Rounded`, TestHelpers): its products
/// of two 8-bit significands are exact in float32, so only its float32 sums differ, and the
/// float32 tolerance holds for it.
/// Tolerance: |c - ref| <= 1e-5 * (1 + sum_p |a_ip b_pj|) (float32 accumulation over k terms).
final class SGEMMKernelTests: XCTestCase {
  /// The kernels this processor can run (none in the portable build, which KernelSelectionTests
  /// checks; on x86-64 with AVX2 at least the AVX2 kernel).
  private var levels: [Int32] {
    [CK_SGEMM_AVX2, CK_SGEMM_AVX512, CK_SGEMM_AVX512_BF16].filter { ck_sgemm_level_available($0) == 1 }
  }

  /// An operand as `level`'s kernel multiplies it: rounded to bf16 at the bf16 level.
  private func operand(_ x: Float, _ level: Int32) -> Double {
    Double(level == CK_SGEMM_AVX512_BF16 ? bfloat16Rounded(x) : x)
  }

  override func setUpWithError() throws {
    try XCTSkipIf(levels.isEmpty, "no x86-64 SGEMM kernel in this build or on this processor: products run on OpenBLAS")
    if CK_X86_KERNELS == 1 && ck_avx2_available() == 1 {
      XCTAssertEqual(ck_sgemm_level_available(CK_SGEMM_AVX2), 1, "the AVX2 kernel must be tested on an AVX2 processor")
    }
  }

  private struct Case {
    var m: Int, n: Int, k: Int
    var transA = false, transB = false
    var alpha: Float = 1, beta: Float = 0
    var bias = false, relu = false, residual = false, columnBias = false
    var pad = 0  // extra columns in every leading dimension
  }

  private func check(_ c: Case, seed: UInt64, level: Int32) {
    var rng = SplitMix64(seed: seed)
    let (rowsA, colsA) = c.transA ? (c.k, c.m) : (c.m, c.k)
    let (rowsB, colsB) = c.transB ? (c.n, c.k) : (c.k, c.n)
    let lda = colsA + c.pad, ldb = colsB + c.pad, ldc = c.n + c.pad
    let a = (0..<(rowsA * lda)).map { _ in rng.uniform() }
    let b = (0..<(rowsB * ldb)).map { _ in rng.uniform() }
    let bias = (0..<c.m).map { _ in rng.uniform() }
    let columnBias = (0..<c.n).map { _ in rng.uniform() }
    let ldr = c.n + 2 * c.pad + 1
    let residual = (0..<(c.m * ldr)).map { _ in rng.uniform() }
    // With beta 0 the old contents must not be read: NaN there must not leak into the result.
    let start = (0..<(c.m * ldc)).map { _ in c.beta == 0 ? Float.nan : rng.uniform() }
    var out = start
    a.withUnsafeBufferPointer { ap in
      b.withUnsafeBufferPointer { bp in
        bias.withUnsafeBufferPointer { biasp in
          columnBias.withUnsafeBufferPointer { cbp in
            residual.withUnsafeBufferPointer { rp in
              out.withUnsafeMutableBufferPointer { cp in
                if c.residual || c.columnBias {
                  var epilogue = ck_epilogue(bias: c.bias ? biasp.baseAddress : nil, residual: c.residual ? rp.baseAddress : nil,
                                             ldr: ldr, relu: c.relu ? 1 : 0, column_bias: c.columnBias ? cbp.baseAddress : nil)
                  ck_sgemm_packed(level, c.transA ? 1 : 0, c.transB ? 1 : 0, c.m, c.n, c.k, c.alpha, ap.baseAddress, lda, nil,
                                  bp.baseAddress, ldb, nil, c.beta, cp.baseAddress, ldc, &epilogue)
                } else {
                  ck_sgemm(level, c.transA ? 1 : 0, c.transB ? 1 : 0, c.m, c.n, c.k, c.alpha, ap.baseAddress, lda,
                           bp.baseAddress, ldb, c.beta, cp.baseAddress, ldc, c.bias ? biasp.baseAddress : nil,
                           c.relu ? 1 : 0)
                }
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
          let x = operand(c.transA ? a[p * lda + i] : a[i * lda + p], level)
          let y = operand(c.transB ? b[j * ldb + p] : b[p * ldb + j], level)
          sum += x * y
          magnitude += abs(x * y)
        }
        var want = Double(c.alpha) * sum + (c.beta == 0 ? 0 : Double(c.beta) * Double(start[i * ldc + j]))
        if c.bias { want += Double(bias[i]) }
        if c.columnBias { want += Double(columnBias[j]) }
        if c.residual { want += Double(residual[i * ldr + j]) }
        if c.relu { want = max(want, 0) }
        let error = abs(got - want) / (1 + magnitude)
        worst = max(worst, error.isNaN ? .infinity : error)
      }
    }
    XCTAssertLessThanOrEqual(worst, 1e-5, "level \(level) \(c)")
  }

  /// Row counts on both sides of every tile and edge-tile size (the AVX-512 kernel runs edge
  /// tiles of at most 4 and 8 rows with fewer accumulators: 16 = 12 + 4, 20 = 12 + 8), and column
  /// counts whose last strip takes each of the AVX-512 kernel's narrow paths: dot products for up
  /// to 4 columns (1, 2, 4, 33, 196 = 6 x 32 + 4), one vector for 5 to 16 (5, 15, 16), both for 17
  /// to 20 (17, 20, 49 = 32 + 17), the full tile from 21 (21, 31).
  func testEdgesOfEveryBlock() {
    for level in levels {
      var seed: UInt64 = 1
      for m in [1, 4, 5, 6, 7, 8, 9, 11, 12, 13, 16, 20, 241] {
        for n in [1, 2, 4, 5, 15, 16, 17, 20, 21, 31, 32, 33, 49, 65] + (m == 13 ? [196] : []) {
          for k in [1, 7, 256, 300] {
            check(Case(m: m, n: n, k: k), seed: seed, level: level)
            seed += 1
          }
        }
      }
    }
  }

  func testTransposesAlphaBetaAndLeadingDimensions() {
    for level in levels {
      var seed: UInt64 = 100
      for transA in [false, true] {
        for transB in [false, true] {
          for (alpha, beta) in [(Float(1), Float(0)), (0.5, 1), (-2, 0.25)] {
            for (m, n) in [(29, 45), (7, 17)] {
              check(Case(m: m, n: n, k: 270, transA: transA, transB: transB, alpha: alpha, beta: beta, pad: 3), seed: seed,
                    level: level)
              seed += 1
            }
          }
        }
      }
    }
  }

  /// Every combination of row bias, column bias, residual and ReLU, on tiles with full and
  /// partial edges, with beta 0 and 1, over one and several depth blocks and for k = 0.
  func testEveryEpilogueCombination() {
    for level in levels {
      var seed: UInt64 = 7
      for combination in 0..<16 {
        for (m, n, k, beta) in [(30, 50, 513, Float(0)), (13, 33, 20, 1), (6, 16, 0, 0.5)] {
          let c = Case(m: m, n: n, k: k, alpha: 0.5, beta: beta, bias: combination & 1 != 0, relu: combination & 2 != 0,
                       residual: combination & 4 != 0, columnBias: combination & 8 != 0, pad: 2)
          check(c, seed: seed, level: level)
          seed += 1
        }
      }
    }
  }

  /// Prepacked operands (a layer's weights packed once) give bit-for-bit the products of the same
  /// kernel packing on the fly, also for a row block of a packed A and a column block of a packed
  /// B (how products are split across cores: 12-row and 32-column offsets, and the tile's own),
  /// over several depth blocks; and a plain A against the packed B (whole strips and not, more
  /// than 240 rows, more than 4096 columns).
  func testPrepackedOperandsGiveTheSameProducts() {
    for level in levels {
      var rng = SplitMix64(seed: 42)
      let tile = (ck_sgemm_tile_rows(level), ck_sgemm_tile_columns(level))
      for (m, n, k, transB) in [(37, 70, 600, false), (250, 45, 257, true), (24, 4200, 31, false), (13, 33, 1, true),
                                (250, 96, 300, true), (37, 4160, 40, false)] {
        let a = (0..<(m * k)).map { _ in rng.uniform() }
        let b = (0..<(k * n)).map { _ in rng.uniform() }
        let bias = (0..<m).map { _ in rng.uniform() }
        let columnBias = (0..<n).map { _ in rng.uniform() }
        let ldb = transB ? k : n
        var packedA = [Float](repeating: .nan, count: ck_sgemm_packed_a_size(level, m, k))
        var packedB = [Float](repeating: .nan, count: ck_sgemm_packed_b_size(level, k, n))
        ck_sgemm_pack_a(level, m, k, a, k, &packedA)
        ck_sgemm_pack_b(level, transB ? 1 : 0, k, n, b, ldb, &packedB)
        for (rowStep, columnStep) in [(12, 32), tile] {
          // Row block [r0, m) of A and column block [c0, n) of B, as the core split would pass them.
          let (r0, c0) = (min(rowStep, m / rowStep * rowStep), min(columnStep, n / columnStep * columnStep))
          let (rows, cols) = (m - r0, n - c0)
          var want = [Float](repeating: 0, count: rows * cols)
          var got = want, gotPlainA = want
          a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
              bias.withUnsafeBufferPointer { biasp in
                columnBias.withUnsafeBufferPointer { cbp in
                  let bOffset = transB ? c0 * ldb : c0
                  var epilogue = ck_epilogue(bias: biasp.baseAddress! + r0, residual: nil, ldr: 0, relu: 1,
                                             column_bias: cbp.baseAddress! + c0)
                  ck_sgemm_packed(level, 0, transB ? 1 : 0, rows, cols, k, 0.5, ap.baseAddress! + r0 * k, k, nil,
                                  bp.baseAddress! + bOffset, ldb, nil, 0, &want, cols, &epilogue)
                  packedA.withUnsafeBufferPointer { pa in
                    packedB.withUnsafeBufferPointer { pb in
                      var opA = ck_packed(data: pa.baseAddress, count: m, offset: r0)
                      var opB = ck_packed(data: pb.baseAddress, count: n, offset: c0)
                      ck_sgemm_packed(level, 0, transB ? 1 : 0, rows, cols, k, 0.5, nil, k, &opA, nil, ldb, &opB, 0, &got,
                                      cols, &epilogue)
                      // A plain A against the packed B (a linear layer's forward; the AVX-512 tile
                      // reads whole row tiles of A in place there).
                      ck_sgemm_packed(level, 0, transB ? 1 : 0, rows, cols, k, 0.5, ap.baseAddress! + r0 * k, k, nil, nil, ldb,
                                      &opB, 0, &gotPlainA, cols, &epilogue)
                    }
                  }
                }
              }
            }
          }
          XCTAssertEqual(got, want, "level \(level) m \(m) n \(n) k \(k) transB \(transB) from (\(r0), \(c0))")
          XCTAssertEqual(gotPlainA, want, "plain A: level \(level) m \(m) n \(n) k \(k) transB \(transB) from (\(r0), \(c0))")
        }
      }
    }
  }

  /// Odd depths (the bf16 kernel pads the last k-pair with a zero) with every transpose case,
  /// one and several depth blocks.
  func testOddDepthsWithEveryTranspose() {
    for level in levels {
      var seed: UInt64 = 500
      for k in [1, 3, 255, 257, 511] {
        for transA in [false, true] {
          for transB in [false, true] {
            check(Case(m: 14, n: 35, k: k, transA: transA, transB: transB, bias: true), seed: seed, level: level)
            seed += 1
          }
        }
      }
    }
  }

  func testWidePanelsAndEmptyDepth() {
    for level in levels {
      check(Case(m: 13, n: 4096 + 40, k: 33), seed: 11, level: level)  // two column panels
      check(Case(m: 250, n: 20, k: 5, transA: true), seed: 12, level: level)  // two row panels
      check(Case(m: 5, n: 6, k: 0, beta: 0.5, bias: true, relu: true), seed: 13, level: level)  // C = relu(beta C + bias)
    }
  }

  /// ck_sgemm_conv reads B as the im2col matrix of an image in place (packed strip by strip, or at
  /// stride 1 or 2 and dilation 1 straight from a padded copy of the rows: the direct path): against the
  /// float64 convolution sum for paddings, strides, dilations, end padding (an output larger than
  /// the symmetric padding gives, read as zeros past the image), a first column inside a row of
  /// outputs (how products are split across cores), prepacked weights and the epilogue.
  func testImplicitIm2colAgainstTheConvolutionSum() {
    struct Geometry {
      var c: Int, inH: Int, inW: Int, kH: Int, kW: Int, stride: (Int, Int), pad: (Int, Int), dilation: (Int, Int)
      var endPad: (Int, Int) = (0, 0)
      var outH: Int { (inH + pad.0 + endPad.0 - dilation.0 * (kH - 1) - 1) / stride.0 + 1 }
      var outW: Int { (inW + pad.1 + endPad.1 - dilation.1 * (kW - 1) - 1) / stride.1 + 1 }
    }
    let geometries = [
      Geometry(c: 5, inH: 9, inW: 11, kH: 3, kW: 3, stride: (1, 1), pad: (1, 1), dilation: (1, 1)),
      Geometry(c: 3, inH: 17, inW: 13, kH: 7, kW: 7, stride: (2, 2), pad: (3, 3), dilation: (1, 1)),
      // Stride-2 runs of up to 32 outputs inside a row (38 per row): both halves of copy_even.
      Geometry(c: 3, inH: 9, inW: 75, kH: 7, kW: 7, stride: (2, 2), pad: (3, 3), dilation: (1, 1)),
      Geometry(c: 4, inH: 12, inW: 12, kH: 3, kW: 3, stride: (1, 1), pad: (2, 2), dilation: (2, 2)),
      Geometry(c: 30, inH: 8, inW: 7, kH: 3, kW: 2, stride: (2, 1), pad: (0, 1), dilation: (1, 2), endPad: (1, 2)),
      Geometry(c: 2, inH: 5, inW: 40, kH: 1, kW: 5, stride: (1, 3), pad: (0, 0), dilation: (1, 1), endPad: (0, 2)),
      // Padding wider than the row: runs that start left of it and end right of it, or miss it.
      Geometry(c: 2, inH: 4, inW: 3, kH: 2, kW: 5, stride: (1, 1), pad: (1, 3), dilation: (1, 1)),
      // A CIFAR-sized row (one 32-column strip per output row) with the usual padding.
      Geometry(c: 3, inH: 6, inW: 32, kH: 3, kW: 3, stride: (1, 1), pad: (1, 1), dilation: (1, 1)),
      // The direct path (stride 1, dilation 1; sgemm_direct_conv.h) with "same" padding: 32- and
      // 16-wide rows (whole vectors inside a row), 8-wide rows (an AVX-512 vector spans two rows:
      // two runs) over two depth blocks (k = 360 > 256), more outputs than one 4096-column block
      // (padded rows per block), and uneven padding with a 3x4 kernel.
      Geometry(c: 3, inH: 4, inW: 32, kH: 3, kW: 3, stride: (1, 1), pad: (1, 1), dilation: (1, 1), endPad: (1, 1)),
      Geometry(c: 4, inH: 5, inW: 16, kH: 3, kW: 3, stride: (1, 1), pad: (1, 1), dilation: (1, 1), endPad: (1, 1)),
      Geometry(c: 40, inH: 8, inW: 8, kH: 3, kW: 3, stride: (1, 1), pad: (1, 1), dilation: (1, 1), endPad: (1, 1)),
      Geometry(c: 2, inH: 70, inW: 70, kH: 3, kW: 3, stride: (1, 1), pad: (1, 1), dilation: (1, 1), endPad: (1, 1)),
      Geometry(c: 3, inH: 9, inW: 20, kH: 3, kW: 4, stride: (1, 1), pad: (0, 1), dilation: (1, 1), endPad: (2, 2)),
      // The direct path at stride 2 (the padded rows split into even and odd columns): a 3x3
      // layer on even and odd sizes, 8-wide outputs (vectors spanning two rows) over two depth
      // blocks, a 1x1 downsample, more outputs than one 4096-column block, TensorFlow's uneven
      // "same" padding, and a 7x7 stem whose taps reach three columns into the padding.
      Geometry(c: 6, inH: 14, inW: 14, kH: 3, kW: 3, stride: (2, 2), pad: (1, 1), dilation: (1, 1)),
      Geometry(c: 5, inH: 13, inW: 11, kH: 3, kW: 3, stride: (2, 2), pad: (1, 1), dilation: (1, 1)),
      Geometry(c: 40, inH: 16, inW: 16, kH: 3, kW: 3, stride: (2, 2), pad: (1, 1), dilation: (1, 1)),
      Geometry(c: 7, inH: 9, inW: 10, kH: 1, kW: 1, stride: (2, 2), pad: (0, 0), dilation: (1, 1)),
      Geometry(c: 2, inH: 140, inW: 140, kH: 3, kW: 3, stride: (2, 2), pad: (1, 1), dilation: (1, 1)),
      Geometry(c: 3, inH: 12, inW: 12, kH: 3, kW: 3, stride: (2, 2), pad: (0, 0), dilation: (1, 1), endPad: (1, 1)),
      Geometry(c: 3, inH: 40, inW: 70, kH: 7, kW: 7, stride: (2, 2), pad: (3, 3), dilation: (1, 1)),
    ]
    for level in levels {
      var rng = SplitMix64(seed: 77)
      for (index, g) in geometries.enumerated() {
        // 13 rows (a 12-row tile and a 1-row edge), 16 (12 + 4, CIFAR's first stage).
        let m = index % 2 == 0 ? 13 : 16, k = g.c * g.kH * g.kW, n = g.outH * g.outW
        let x = (0..<(g.c * g.inH * g.inW)).map { _ in rng.uniform() }
        let w = (0..<(m * k)).map { _ in rng.uniform() }
        let bias = (0..<m).map { _ in rng.uniform() }
        let residual = (0..<(m * n)).map { _ in rng.uniform() }
        var packed = [Float](repeating: .nan, count: ck_sgemm_packed_a_size(level, m, k))
        ck_sgemm_pack_a(level, m, k, w, k, &packed)
        // The last case adds a residual and a ReLU to the bias (a residual block's second conv).
        for (column0, prepacked, fused) in [(0, false, false), (min(5, n - 1), false, false), (0, true, false), (min(32, n - 1), true, true)] {
          let cols = n - column0
          var got = [Float](repeating: .nan, count: m * cols)
          x.withUnsafeBufferPointer { xp in
            bias.withUnsafeBufferPointer { bp in
              packed.withUnsafeBufferPointer { pp in
                residual.withUnsafeBufferPointer { rp in
                  var source = ck_im2col(x: xp.baseAddress, inH: g.inH, inW: g.inW, kH: g.kH, kW: g.kW, strideH: g.stride.0,
                                         strideW: g.stride.1, padH: g.pad.0, padW: g.pad.1, dilationH: g.dilation.0,
                                         dilationW: g.dilation.1, outW: g.outW, images: 1, outPlane: 0, imageStride: 0)
                  var epilogue = ck_epilogue(bias: bp.baseAddress, residual: fused ? rp.baseAddress! + column0 : nil, ldr: n,
                                             relu: fused ? 1 : 0, column_bias: nil)
                  var op = ck_packed(data: pp.baseAddress, count: m, offset: 0)
                  if prepacked {
                    ck_sgemm_conv(level, m, cols, k, 1, nil, k, &op, &source, column0, 0, &got, cols, &epilogue)
                  } else {
                    ck_sgemm_conv(level, m, cols, k, 1, w, k, nil, &source, column0, 0, &got, cols, &epilogue)
                  }
                }
              }
            }
          }
          var worst = 0.0
          for o in 0..<m {
            for q in column0..<n {
              let (oh, ow) = (q / g.outW, q % g.outW)
              var sum = Double(bias[o]), magnitude = 0.0
              for ch in 0..<g.c {
                for i in 0..<g.kH {
                  for j in 0..<g.kW {
                    let ih = oh * g.stride.0 - g.pad.0 + i * g.dilation.0, iw = ow * g.stride.1 - g.pad.1 + j * g.dilation.1
                    guard ih >= 0 && ih < g.inH && iw >= 0 && iw < g.inW else { continue }
                    let term = operand(w[o * k + (ch * g.kH + i) * g.kW + j], level) * operand(x[(ch * g.inH + ih) * g.inW + iw], level)
                    sum += term
                    magnitude += abs(term)
                  }
                }
              }
              if fused { sum = max(sum + Double(residual[o * n + q]), 0) }
              let error = abs(Double(got[o * cols + q - column0]) - sum) / (1 + magnitude)
              worst = max(worst, error.isNaN ? .infinity : error)
            }
          }
          XCTAssertLessThanOrEqual(worst, 1e-5, "level \(level) geometry \(index) from column \(column0) packed \(prepacked) fused \(fused)")
        }
      }
    }
  }
}

extension SplitMix64 {
  /// A float32 test input in [-1, 1) (24 random bits).
  fileprivate mutating func uniform() -> Float { Float(next() >> 40) / Float(1 << 24) * 2 - 1 }
}
