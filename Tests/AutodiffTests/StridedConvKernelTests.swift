import Autodiff
import CKernels
import XCTest

/// The stride-2 convolution kernel (Sources/CKernels/strided_conv.c), called directly, against the
/// float64 direct convolution. Its tiles are 14 output pixels of a row (or two 7-wide rows) x 32
/// output channels, run depth block by depth block in groups of 8 tiles, so the shapes cross its
/// edges: rows of 14, 28 and 56 (whole tiles), 7 (two rows a tile, with an odd last row), and
/// widths leaving edge tiles of 1-13 pixels (its 14-, 8- and 4-pixel loops); one depth block and
/// up to eleven (C x kH x kW from 36 to 2700); channel counts leaving a partial last strip (at most
/// 16 channels and more); groups of more than 8 tiles; padding 0-3 and larger end padding (ONNX's
/// uneven pads); kernels 3x3, 5x5, 7x7 and 3x2; with and without the epilogue (bias, residual,
/// ReLU). Tolerance: 1e-5 relative + 2e-7 * C kH kW absolute (float32 rounding over C kH kW terms
/// of magnitude at most 1), as the Winograd kernel's test.
final class StridedConvKernelTests: XCTestCase {
  override func setUpWithError() throws {
    try XCTSkipIf(ck_sgemm_level_available(CK_SGEMM_AVX512) == 0, "no AVX-512 kernel in this build or on this processor")
  }

  func testAgainstTheDirectConvolution() {
    // (channels, outputs, height, width, kernel, top/left padding, bottom/right padding, epilogue)
    let cases: [(c: Int, o: Int, h: Int, w: Int, kh: Int, kw: Int, pad: Int, end: Int, epilogue: Bool)] = [
      (40, 64, 28, 28, 3, 3, 1, 1, true),    // rows of 14: one tile each; 2 depth blocks
      (32, 32, 56, 56, 3, 3, 1, 1, false),   // rows of 28; 2 depth blocks; a task of more than 8 tiles
      (300, 40, 14, 14, 3, 3, 1, 1, true),   // rows of 7, two to a tile; 11 depth blocks; strips of 32 + 8
      (20, 50, 13, 14, 3, 3, 1, 1, true),    // 7 rows of 7: the last alone; strips of 32 + 18
      (9, 33, 29, 29, 3, 3, 1, 1, false),    // rows of 15: a 1-pixel edge tile
      (4, 36, 27, 40, 3, 3, 1, 1, true),     // rows of 20: a 6-pixel edge tile (the 8-pixel loop)
      (6, 32, 30, 52, 3, 3, 0, 0, true),     // no padding; rows of 25: an 11-pixel edge tile
      (3, 64, 40, 38, 7, 7, 3, 3, true),     // a stem: 7x7, padding 3, rows of 19 (a 5-pixel edge)
      (8, 40, 17, 21, 5, 5, 2, 2, false),    // 5x5: rows of 11 (one 11-pixel tile)
      (16, 32, 16, 16, 3, 3, 0, 1, true),    // uneven padding (TensorFlow's "same" at stride 2): rows of 8
      (5, 32, 9, 11, 3, 2, 1, 2, true),      // a 3x2 kernel, uneven padding
    ]
    for (i, cfg) in cases.enumerated() {
      var rng = SplitMix64(seed: UInt64(900 + i))
      func uniform(_ count: Int) -> [Float] { (0..<count).map { _ in Float(rng.next() >> 40) / Float(1 << 24) * 2 - 1 } }
      let k = cfg.c * cfg.kh * cfg.kw
      let x = uniform(cfg.c * cfg.h * cfg.w), w = uniform(cfg.o * k), bias = uniform(cfg.o)
      let outH = (cfg.h + cfg.pad + cfg.end - cfg.kh) / 2 + 1, outW = (cfg.w + cfg.pad + cfg.end - cfg.kw) / 2 + 1
      let residual = uniform(cfg.o * outH * outW)
      var packed = [Float](repeating: .nan, count: ck_strided_conv_packed_size(CK_SGEMM_AVX512, cfg.o, k))
      ck_strided_conv_pack(CK_SGEMM_AVX512, w, cfg.o, k, &packed)
      var out = [Float](repeating: .nan, count: cfg.o * outH * outW)
      let ok = bias.withUnsafeBufferPointer { bb in
        residual.withUnsafeBufferPointer { rb in
          var e = ck_epilogue(bias: bb.baseAddress, residual: rb.baseAddress, ldr: 0, relu: 1, column_bias: nil)
          return cfg.epilogue
            ? ck_strided_conv(CK_SGEMM_AVX512, x, cfg.c, cfg.h, cfg.w, cfg.kh, cfg.kw, cfg.pad, cfg.pad, outH, outW,
                              packed, cfg.o, &out, &e)
            : ck_strided_conv(CK_SGEMM_AVX512, x, cfg.c, cfg.h, cfg.w, cfg.kh, cfg.kw, cfg.pad, cfg.pad, outH, outW,
                              packed, cfg.o, &out, nil)
        }
      }
      XCTAssertEqual(ok, 1, "\(cfg)")
      var worst = 0.0
      let atol = 2e-7 * Double(k)
      for oc in 0..<cfg.o {
        for r in 0..<outH {
          for s in 0..<outW {
            var sum = 0.0
            for ic in 0..<cfg.c {
              for di in 0..<cfg.kh {
                for dj in 0..<cfg.kw {
                  let (ih, iw) = (2 * r + di - cfg.pad, 2 * s + dj - cfg.pad)
                  guard ih >= 0, ih < cfg.h, iw >= 0, iw < cfg.w else { continue }
                  sum += Double(w[((oc * cfg.c + ic) * cfg.kh + di) * cfg.kw + dj]) * Double(x[(ic * cfg.h + ih) * cfg.w + iw])
                }
              }
            }
            let at = (oc * outH + r) * outW + s
            if cfg.epilogue { sum = max(0, sum + Double(bias[oc]) + Double(residual[at])) }
            let excess = abs(Double(out[at]) - sum) - (atol + 1e-5 * abs(sum))
            worst = max(worst, excess.isNaN ? .infinity : excess)
          }
        }
      }
      XCTAssertLessThanOrEqual(worst, 0, "\(cfg): beyond tolerance by \(worst)")
    }
  }

  /// Other levels (AVX2, bf16) have no strided kernel: the call writes nothing and returns 0, so
  /// that the convolution runs on the product instead.
  func testOtherLevelsDecline() {
    var out = [Float](repeating: .nan, count: 32)
    let packed = [Float](repeating: 0, count: 32 * 9)
    let x = [Float](repeating: 1, count: 16)
    for level in [CK_SGEMM_AVX2, CK_SGEMM_AVX512_BF16] {
      XCTAssertEqual(ck_strided_conv(level, x, 1, 4, 4, 3, 3, 1, 1, 2, 2, packed, 8, &out, nil), 0)
    }
    XCTAssertTrue(out.allSatisfy(\.isNaN))
  }
}
