import Autodiff
import AutodiffTestSupport
import XCTest

/// The fused multiHeadAttention against the unfused formula built from reshape, matmul and
/// softmax (the ops ViT's attention used before, `reference` below): values in float64 within
/// 1e-12 and float32 within 1e-5 of the float64 reference, with and without a bias (with Swin's
/// -100 mask entries), odd token counts (49, 197, 257) and 1, 3 or 6 heads (both ways of splitting
/// the work: one task per image and head at 2 x 6 and 6 x 3, query blocks at 1 x 3); gradients by finite
/// differences in float64 (epsilon 1e-6, atol 1e-6, rtol 1e-5) and against the unfused backward.
final class AttentionTests: XCTestCase {
  /// The unfused formula: `softmax(scale * q k^T + bias) v` per head, and the probabilities.
  private func reference(_ qkv: Tensor, heads: Int, scale: Double, bias: Tensor?) -> (Tensor, Tensor) {
    let (b, n, d) = (qkv.shape[0], qkv.shape[1], qkv.shape[2] / 3)
    let t = qkv.reshaped([b, n, 3, heads, d / heads]).permuted([2, 0, 3, 1, 4])
    func part(_ i: Int) -> Tensor { t.slice(axis: 0, range: i..<(i + 1)).reshaped([b, heads, n, d / heads]) }
    var scores = matmul(part(0), part(1).transposed(-2, -1)) * scale
    if let bias {
      let g = bias.shape[0]
      scores = (scores.reshaped([b / g, g, heads, n, n]) + bias).reshaped([b, heads, n, n])
    }
    let p = softmax(scores, axis: -1)
    return (matmul(p, part(2)).transposed(1, 2).reshaped([b, n, d]), p)
  }

  /// A bias of `groups` windows: uniform values, and in every group but the first a block of
  /// -100 (Swin's mask between regions of a shifted window).
  private func maskedBias(groups: Int, heads: Int, n: Int, seed: UInt64) -> Tensor {
    var values = uniform([groups, heads, n, n], seed).doubles
    for g in 1..<max(groups, 1) {
      for h in 0..<heads {
        for i in 0..<n where i % (g + 1) == 0 {
          for j in 0..<n where j % 2 == 1 { values[((g * heads + h) * n + i) * n + j] -= 100 }
        }
      }
    }
    return Tensor(shape: [groups, heads, n, n], doubles: values)
  }

  func testValuesMatchTheUnfusedFormula() {
    let cases: [(b: Int, n: Int, heads: Int, hd: Int, groups: Int?)] = [
      (2, 197, 6, 4, nil), (1, 257, 3, 8, nil), (1, 197, 1, 16, nil), (6, 49, 3, 8, 3), (2, 49, 6, 4, 1), (3, 7, 1, 2, 3),
    ]
    for (i, c) in cases.enumerated() {
      let qkv = uniform([c.b, c.n, 3 * c.heads * c.hd], UInt64(100 + i), low: -2, high: 2)
      let bias = c.groups.map { maskedBias(groups: $0, heads: c.heads, n: c.n, seed: UInt64(200 + i)) }
      let scale = 1 / Double(c.hd).squareRoot()
      let label = "b\(c.b) n\(c.n) heads \(c.heads) bias \(c.groups.map(String.init) ?? "none")"
      let (expected, expectedP) = reference(qkv, heads: c.heads, scale: scale, bias: bias)
      let fused = multiHeadAttention(qkv, heads: c.heads, scale: scale, bias: bias, keepingProbabilities: true)
      assertClose(fused.output, expected, atol: 1e-12, rtol: 0, "attention float64 \(label)")
      assertClose(fused.probabilities!, expectedP, atol: 1e-12, rtol: 0, "probabilities float64 \(label)")
      XCTAssertNil(multiHeadAttention(qkv, heads: c.heads, scale: scale, bias: bias).probabilities)
      let single = multiHeadAttention(
        qkv.converted(to: .float32), heads: c.heads, scale: scale, bias: bias?.converted(to: .float32),
        keepingProbabilities: true)
      assertClose(single.output.converted(to: .float64), expected, atol: 1e-5, rtol: 0, "attention float32 \(label)")
      assertClose(single.probabilities!.converted(to: .float64), expectedP, atol: 1e-5, rtol: 0,
                  "probabilities float32 \(label)")
    }
  }

  func testFiniteDifferenceGradients() {
    let qkv = uniform([2, 5, 3 * 3 * 2], 1)
    assertGradients("multiHeadAttention qkv, 3 heads", [qkv]) {
      multiHeadAttention($0[0], heads: 3, scale: 0.7).output
    }
    assertGradients("multiHeadAttention qkv and bias of 2 groups", [uniform([4, 7, 3 * 2 * 3], 2), uniform([2, 2, 7, 7], 3)]) {
      multiHeadAttention($0[0], heads: 2, scale: 0.5, bias: $0[1]).output
    }
    assertGradients("multiHeadAttention bias only, 1 head", [uniform([1, 1, 6, 6], 4)]) {
      multiHeadAttention(uniform([3, 6, 3 * 4], 5), heads: 1, scale: 1, bias: $0[0]).output
    }
  }

  func testGradientsMatchTheUnfusedBackward() throws {
    // Several blocks of query rows (197 > 64) and a masked bias of 3 windows.
    for (n, heads, groups) in [(197, 3, 1), (49, 6, 3)] {
      let qkv = uniform([3, n, 3 * heads * 4], UInt64(n), low: -2, high: 2).tracked()
      let bias = maskedBias(groups: groups, heads: heads, n: n, seed: UInt64(n + 1)).tracked()
      let weights = uniform([3, n, heads * 4], UInt64(n + 2))
      let fused = try gradients(
        of: (multiHeadAttention(qkv, heads: heads, scale: 0.5, bias: bias).output * weights).sum(), wrt: [qkv, bias])
      let unfused = try gradients(
        of: (reference(qkv, heads: heads, scale: 0.5, bias: bias).0 * weights).sum(), wrt: [qkv, bias])
      assertClose(fused[0], unfused[0], atol: 1e-12, rtol: 0, "d qkv n\(n) heads \(heads)")
      assertClose(fused[1], unfused[1], atol: 1e-12, rtol: 0, "d bias n\(n) groups \(groups)")
    }
  }
}
