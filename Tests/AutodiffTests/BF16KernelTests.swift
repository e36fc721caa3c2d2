import Autodiff
import CKernels
import Foundation
import XCTest

/// The bf16 SGEMM level (CK_SGEMM_AVX512_BF16, `--precision bf16`) beyond the cases
/// SGEMMKernelTests runs on every level: it is available where the processor has AVX512-BF16,
/// its operands are rounded to nearest even (NaN and infinities kept, overflow to infinity) on
/// every packing path, it really multiplies bf16 (not float32), and Winograd's products at bf16
/// stay within the bound of its transformed operands' rounding. References: `bfloat16Rounded`
/// (TestHelpers) and float64 sums. Skipped, with the reason, on processors without AVX512-BF16.
final class BF16KernelTests: XCTestCase {
  private let level = CK_SGEMM_AVX512_BF16

  private func requireBF16() throws {
    try XCTSkipUnless(ck_sgemm_level_available(level) == 1, "this processor (or build) has no AVX512-BF16: the bf16 kernel cannot run")
  }

  /// The processor's flags (Linux) and the kernel's run-time check agree, so a processor with
  /// AVX512-BF16 runs these tests instead of skipping them.
  func testAvailableWhereTheProcessorHasIt() throws {
    guard let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let flags = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else {
      throw XCTSkip("no /proc/cpuinfo flags to compare with")
    }
    let words = Set(flags.split(separator: " ").map(String.init))
    let expected = CK_X86_KERNELS == 1 && ["avx512f", "avx512bw", "avx512_bf16"].allSatisfy(words.contains)
    XCTAssertEqual(ck_sgemm_level_available(level) == 1, expected, "AVX512-BF16 level vs /proc/cpuinfo flags")
    XCTAssertEqual(ComputePrecision.problem(for: .bf16) == nil, expected && GEMMKernel.useAVX512)
    XCTAssertNil(ComputePrecision.problem(for: .fp32))
  }

  /// The reference rounding itself, on values whose bf16 is known.
  func testReferenceRounding() {
    XCTAssertEqual(bfloat16Rounded(1 + 0x1p-8), 1, "a tie rounds to the even significand (down)")
    XCTAssertEqual(bfloat16Rounded(1 + 3 * 0x1p-8), 1 + 0x1p-6, "a tie rounds to the even significand (up)")
    XCTAssertEqual(bfloat16Rounded(1 + 0x1p-8 + 0x1p-20), 1 + 0x1p-7, "above the tie rounds up")
    XCTAssertEqual(bfloat16Rounded(-2.5), -2.5)
    XCTAssertEqual(bfloat16Rounded(.greatestFiniteMagnitude), .infinity, "overflow rounds to infinity")
    XCTAssertEqual(bfloat16Rounded(-.infinity), -.infinity)
    XCTAssertTrue(bfloat16Rounded(.nan).isNaN)
  }

  /// 1 x 1 products with k = 1 give the bf16 of the other operand, for each operand, transposed or
  /// not, packed on the fly or prepacked: the conversion of every packing path.
  func testEveryPackingRoundsToNearestEven() throws {
    try requireBF16()
    let values: [Float] = [1 + 0x1p-8, 1 + 3 * 0x1p-8, 1 + 0x1p-8 + 0x1p-20, -2.5, 0.1, -1e-30, 3e38,
                           .greatestFiniteMagnitude, .infinity, -.infinity, .nan, 0, -0.0]
    for x in values {
      let want = bfloat16Rounded(x)
      for (transA, transB) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
        for prepacked in [false, true] {
          for xInA in [false, true] {
            let a: [Float] = [xInA ? x : 1], b: [Float] = [xInA ? 1 : x]
            var c: [Float] = [.nan]
            var packedA = [Float](repeating: .nan, count: ck_sgemm_packed_a_size(level, 1, 1))
            var packedB = [Float](repeating: .nan, count: ck_sgemm_packed_b_size(level, 1, 1))
            ck_sgemm_pack_a(level, 1, 1, a, 1, &packedA)
            ck_sgemm_pack_b(level, Int32(transB), 1, 1, b, 1, &packedB)
            packedA.withUnsafeBufferPointer { pa in
              packedB.withUnsafeBufferPointer { pb in
                var opA = ck_packed(data: pa.baseAddress, count: 1, offset: 0)
                var opB = ck_packed(data: pb.baseAddress, count: 1, offset: 0)
                if prepacked {
                  ck_sgemm_packed(level, 0, Int32(transB), 1, 1, 1, 1, nil, 1, &opA, nil, 1, &opB, 0, &c, 1, nil)
                } else {
                  ck_sgemm_packed(level, Int32(transA), Int32(transB), 1, 1, 1, 1, a, 1, nil, b, 1, nil, 0, &c, 1, nil)
                }
              }
            }
            let label = "x \(x) in \(xInA ? "A" : "B"), trans (\(transA), \(transB)), prepacked \(prepacked)"
            if want.isNaN {
              XCTAssertTrue(c[0].isNaN, label)
            } else {
              XCTAssertEqual(c[0], want, label)
            }
          }
        }
      }
    }
  }

  /// The same product at float32 and at bf16 differ where bf16 must round: 1 x (1 + 2^-10) is
  /// 1 at bf16; and a sum of many such terms keeps float32 accumulation (no bf16 rounding of C).
  func testItMultipliesBF16AndSumsFloat32() throws {
    try requireBF16()
    let k = 1000
    let a = [Float](repeating: 1, count: k), b = [Float](repeating: 1 + 0x1p-10, count: k)
    var fp32: [Float] = [0], bf16: [Float] = [0]
    ck_sgemm(CK_SGEMM_AVX512, 0, 0, 1, 1, k, 1, a, k, b, 1, 0, &fp32, 1, nil, 0)
    ck_sgemm(level, 0, 0, 1, 1, k, 1, a, k, b, 1, 0, &bf16, 1, nil, 0)
    XCTAssertEqual(fp32[0], Float(k) * (1 + 0x1p-10), accuracy: 1e-3)
    XCTAssertEqual(bf16[0], Float(k), "operands rounded to bf16 (1 + 2^-10 -> 1), 1000 summed exactly in float32")
  }

  /// A 3x3 convolution by Winograd at bf16 against the float64 direct convolution. Winograd
  /// rounds its transformed operands, V = B^T d B (sums of up to 4 inputs) and U = G g G^T (up to
  /// 9 weights / 4), to bf16, and A^T M A sums 9 products per output: each term's relative error
  /// is at most 2 * 2^-9, on magnitudes up to 4 * 2.25 = 9 times the direct terms', so
  /// |error| <= 2^-8 * 9 * (1 + sum |w x|) ~ 0.035 (1 + sum |w x|); 0.04 is used (measured here:
  /// worst 0.0016, mean 0.0003).
  func testWinogradAtBF16() throws {
    try requireBF16()
    var rng = SplitMix64(seed: 9)
    let (c, o, h, w) = (20, 24, 9, 11)
    let x = (0..<(c * h * w)).map { _ in Float(rng.next() >> 40) / Float(1 << 24) * 2 - 1 }
    let weights = (0..<(o * c * 9)).map { _ in Float(rng.next() >> 40) / Float(1 << 24) * 2 - 1 }
    var packed = [Float](repeating: .nan, count: ck_winograd_packed_size(level, o, c))
    ck_winograd_pack(level, weights, o, c, &packed)
    var out = [Float](repeating: .nan, count: o * h * w)
    XCTAssertEqual(ck_winograd_conv(level, x, c, h, w, 1, 1, packed, o, &out, nil), 1)
    var worst = 0.0, typical = 0.0
    for oc in 0..<o {
      for i in 0..<h {
        for j in 0..<w {
          var sum = 0.0, magnitude = 0.0
          for ic in 0..<c {
            for di in 0..<3 {
              for dj in 0..<3 {
                let (ih, iw) = (i + di - 1, j + dj - 1)
                guard ih >= 0, ih < h, iw >= 0, iw < w else { continue }
                let term = Double(weights[((oc * c + ic) * 3 + di) * 3 + dj]) * Double(x[(ic * h + ih) * w + iw])
                sum += term
                magnitude += abs(term)
              }
            }
          }
          let error = abs(Double(out[(oc * h + i) * w + j]) - sum) / (1 + magnitude)
          worst = max(worst, error.isNaN ? .infinity : error)
          typical += error / Double(o * h * w)
        }
      }
    }
    print(String(format: "BF16 Winograd: worst error %.3g, mean %.3g (relative to 1 + sum |w x|)", worst, typical))
    XCTAssertLessThanOrEqual(worst, 0.04)
    XCTAssertGreaterThan(worst, 1e-6, "no rounding at all: the products did not run at bf16")
  }
}
