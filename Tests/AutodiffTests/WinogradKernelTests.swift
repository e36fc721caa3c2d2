import Autodiff
import CKernels
import XCTest

/// Winograd F(2x2, 3x3) (Sources/CKernels/winograd.c) at each float32 level this processor has
/// (AVX2 with 16-column strips, AVX-512 with 32), called directly, against the float64 direct
/// convolution. Its input transform writes V straight into the SGEMM's packed-B layout
/// (ck_sgemm_packed_b_row), so the shapes cross that layout's edges: more than 256 channels (two
/// depth blocks), tile rows that cross from one strip into the next at every offset, a last strip
/// with padding columns, rows wider than one 16-tile vector, a single tile, padding 0 to 2, and the
/// fused epilogue (bias, residual, ReLU). The bf16 level keeps V plain (BF16KernelTests).
/// Tolerance: 1e-5 relative + 2e-7 * 9C absolute, as Conv2dTests' Winograd test (float32 rounding
/// over 9C terms of magnitude at most 1, and the transforms' few roundings).
final class WinogradKernelTests: XCTestCase {
  private var levels: [Int32] { [CK_SGEMM_AVX2, CK_SGEMM_AVX512].filter { ck_sgemm_level_available($0) == 1 } }

  override func setUpWithError() throws {
    try XCTSkipIf(levels.isEmpty, "no x86-64 SGEMM kernel in this build or on this processor: no Winograd")
  }

  /// ck_sgemm_packed_b_row names where ck_sgemm_pack_b put every element of B, stored plainly or
  /// transposed (the AVX-512 level packs a transposed B by 16 x 16 blocks transposed in registers:
  /// depths and column counts off those blocks, a leading dimension wider than the matrix), and
  /// the last strip's padding columns are zero.
  func testPackedBRowLocatesEveryElementOfPackB() {
    for level in levels {
      let nr = ck_sgemm_tile_columns(level)
      for transB in [false, true] {
        for (k, n) in [(5, 1), (17, 16), (256, 31), (300, 33), (600, 100), (257, 64), (64, 197)] {
          let ldb = (transB ? k : n) + 3
          let b = (0..<((transB ? n : k) * ldb)).map { Float($0 + 1) }
          var packed = [Float](repeating: .nan, count: ck_sgemm_packed_b_size(level, k, n))
          ck_sgemm_pack_b(level, transB ? 1 : 0, k, n, b, ldb, &packed)
          var mismatches = 0
          for p in 0..<k {
            var offset = 0, stride = 0
            ck_sgemm_packed_b_row(level, k, n, p, &offset, &stride)
            let strips = (n + nr - 1) / nr
            for j in 0..<(strips * nr) {
              let value = packed[offset + (j / nr) * stride + j % nr]
              if value != (j >= n ? 0 : transB ? b[j * ldb + p] : b[p * ldb + j]) { mismatches += 1 }
            }
          }
          XCTAssertEqual(mismatches, 0, "level \(level), transB \(transB), k \(k), n \(n)")
        }
      }
    }
  }

  func testEveryLevelAgainstTheDirectConvolution() {
    // (channels, outputs, height, width, padding, epilogue)
    let cases: [(c: Int, o: Int, h: Int, w: Int, pad: Int, epilogue: Bool)] = [
      (300, 13, 9, 21, 1, true),   // two depth blocks; 5 x 11 = 55 tiles: strips of 32 + 23, 16 x 3 + 7
      (40, 7, 23, 70, 1, false),   // 12 x 35 tiles: rows of 16 + 16 + 3, crossing strips at many offsets
      (3, 2, 4, 4, 0, true),       // one tile
      (33, 5, 6, 7, 2, false),     // padding 2, odd output width
      (64, 24, 14, 14, 1, true),   // ResNet-like: 7 x 7 = 49 tiles
    ]
    for level in levels {
      for (i, cfg) in cases.enumerated() {
        var rng = SplitMix64(seed: UInt64(700 + i))
        func uniform(_ count: Int) -> [Float] { (0..<count).map { _ in Float(rng.next() >> 40) / Float(1 << 24) * 2 - 1 } }
        let x = uniform(cfg.c * cfg.h * cfg.w), w = uniform(cfg.o * cfg.c * 9), bias = uniform(cfg.o)
        let outH = cfg.h + 2 * cfg.pad - 2, outW = cfg.w + 2 * cfg.pad - 2
        let residual = uniform(cfg.o * outH * outW)
        var packed = [Float](repeating: .nan, count: ck_winograd_packed_size(level, cfg.o, cfg.c))
        ck_winograd_pack(level, w, cfg.o, cfg.c, &packed)
        var out = [Float](repeating: .nan, count: cfg.o * outH * outW)
        let ok = bias.withUnsafeBufferPointer { bb in
          residual.withUnsafeBufferPointer { rb in
            var e = ck_epilogue(bias: bb.baseAddress, residual: rb.baseAddress, ldr: 0, relu: 1, column_bias: nil)
            return cfg.epilogue
              ? ck_winograd_conv(level, x, cfg.c, cfg.h, cfg.w, cfg.pad, cfg.pad, packed, cfg.o, &out, &e)
              : ck_winograd_conv(level, x, cfg.c, cfg.h, cfg.w, cfg.pad, cfg.pad, packed, cfg.o, &out, nil)
          }
        }
        XCTAssertEqual(ok, 1, "level \(level) \(cfg)")
        var worst = 0.0
        let atol = 2e-7 * 9 * Double(cfg.c)
        for oc in 0..<cfg.o {
          for r in 0..<outH {
            for s in 0..<outW {
              var sum = 0.0
              for ic in 0..<cfg.c {
                for di in 0..<3 {
                  for dj in 0..<3 {
                    let (ih, iw) = (r + di - cfg.pad, s + dj - cfg.pad)
                    guard ih >= 0, ih < cfg.h, iw >= 0, iw < cfg.w else { continue }
                    sum += Double(w[((oc * cfg.c + ic) * 3 + di) * 3 + dj]) * Double(x[(ic * cfg.h + ih) * cfg.w + iw])
                  }
                }
              }
              let at = (oc * outH + r) * outW + s
              if cfg.epilogue { sum = max(0, sum + Double(bias[oc]) + Double(residual[at])) }
              let error = abs(Double(out[at]) - sum)
              let excess = error - (atol + 1e-5 * abs(sum))
              worst = max(worst, excess.isNaN ? .infinity : excess)
            }
          }
        }
        XCTAssertLessThanOrEqual(worst, 0, "level \(level) \(cfg): beyond tolerance by \(worst)")
      }
    }
  }
}
