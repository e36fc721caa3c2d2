// Multi-head scaled dot-product attention as one op: `softmax(scale * q k^T + bias) v` per batch
// item and head, reading q, k, v by strides from the qkv projection and writing the heads merged.

/// Multi-head self-attention fused into one op, for a qkv projection laid out as timm's and
/// torchvision's (`qkv(x).reshape(B, N, 3, heads, d_head)`).
///
/// Each (batch item, head, block of query rows) is one task on the thread pool: its scores
/// `scale * q k^T (+ bias)` are computed, softmaxed and multiplied by `v` while they are in
/// cache, so neither the per-head copies of q, k, v nor a `[B, heads, N, N]` scores tensor exist.
/// The probabilities are kept only when asked (`keepingProbabilities`) or when the op is recorded
/// for differentiation (the backward pass needs them); they are a plain value, not part of the
/// graph: a pass that differentiates with respect to the probabilities (gradient rollout) uses
/// the unfused ops instead.
///
/// - Parameters:
///   - qkv: `[B, N, 3 * heads * d_head]`: q, k and v of every head, as the projection writes them.
///   - heads: the number of heads.
///   - scale: the factor of the scores (`1 / sqrt(d_head)`).
///   - bias: `[G, heads, N, N]` added to the scores before the softmax, batch item `b` using
///     `bias[b % G]` (Swin's relative position bias, `G = 1`, or with each window's mask added,
///     `G` = windows per image); `B` must be a multiple of `G`. Differentiable.
///   - keepingProbabilities: whether to return the probabilities `[B, heads, N, N]`.
/// - Returns: the attended values with the heads merged, `[B, N, heads * d_head]`, and the
///   probabilities when kept.
public func multiHeadAttention(
  _ qkv: Tensor, heads: Int, scale: Double, bias: Tensor? = nil, keepingProbabilities: Bool = false
) -> (output: Tensor, probabilities: Tensor?) {
  precondition(qkv.rank == 3 && heads > 0 && qkv.shape[2] % (3 * heads) == 0,
               "multiHeadAttention: qkv must be [B, N, 3 * heads * d_head] with \(heads) heads, got \(qkv.shape)")
  let (b, n, dim) = (qkv.shape[0], qkv.shape[1], qkv.shape[2] / 3)
  let groups = bias?.shape[0] ?? 1
  if let bias {
    precondition(bias.shape == [groups, heads, n, n] && groups > 0 && b % groups == 0 && bias.dtype == qkv.dtype,
                 "multiHeadAttention: bias must be [G, \(heads), \(n), \(n)] with G dividing \(b), got \(bias.shape)")
  }
  let layout = AttentionLayout(batch: b, tokens: n, heads: heads, headDim: dim / heads, groups: groups)
  let records = bias.map { Tensor.willRecord(qkv, $0) } ?? Tensor.willRecord(qkv)
  let keeps = keepingProbabilities || records
  func run<T: TensorScalar>(_: T.Type) -> (Tensor, Tensor?) {
    let (out, p) = attentionForward(qkv.array(T.self), bias: bias?.array(T.self), layout, scale: T(scale), keeps: keeps)
    return (Tensor(shape: [b, n, dim], array: out), p.map { Tensor(shape: [b, heads, n, n], array: $0) })
  }
  let (value, probabilities) = qkv.dtype == .float32 ? run(Float.self) : run(Double.self)
  let output = Tensor.recorded(value, op: "multiHeadAttention", inputs: [qkv] + (bias.map { [$0] } ?? [])) { g, needs in
    func back<T: TensorScalar>(_: T.Type) -> [Tensor?] {
      let (dqkv, dScores) = attentionBackward(
        g.array(T.self), qkv: qkv.array(T.self), probabilities: probabilities!.array(T.self), layout,
        scale: T(scale), keepsScoreGradient: needs.count > 1 && needs[1])
      // A group's bias gradient is the sum of its batch items' score gradients.
      let dBias = dScores.map {
        Tensor(shape: [b / groups, groups, heads, n, n], array: $0).sum(alongAxes: [0])
      }
      return bias == nil ? [Tensor(shape: qkv.shape, array: dqkv)] : [Tensor(shape: qkv.shape, array: dqkv), dBias]
    }
    return g.dtype == .float32 ? back(Float.self) : back(Double.self)
  }
  return (output, keepingProbabilities ? probabilities : nil)
}

/// The sizes of one fused attention and where each operand lives.
private struct AttentionLayout {
  let batch: Int, tokens: Int, heads: Int, headDim: Int, groups: Int
  var dim: Int { heads * headDim }
  /// The row stride of the qkv projection (`3 * dim`).
  var qkvStride: Int { 3 * dim }

  /// The offset of q (`part` 0), k (1) or v (2) of `head` at token 0 of `item`.
  func offset(item: Int, part: Int, head: Int) -> Int { item * tokens * qkvStride + part * dim + head * headDim }
}

/// Query rows per task when there are too few (image, head) pairs to keep every core busy: enough
/// for the products to run at speed, few enough that a batch of one gives each core several tasks.
private let queryBlock = 64

private func attentionForward<T: TensorScalar>(
  _ qkv: [T], bias: [T]?, _ l: AttentionLayout, scale: T, keeps: Bool
) -> (output: [T], probabilities: [T]?) {
  let (n, nn) = (l.tokens, l.tokens * l.tokens)
  var out = [T](repeating: 0, count: l.batch * n * l.dim)
  var probabilities = keeps ? [T](repeating: 0, count: l.batch * l.heads * nn) : nil
  // One task per (image, head) when there are at least four per core, or a whole number per
  // core (ViT-S's 6 heads on 2 cores: attention 0.52 -> 0.45 ms per block): k and v are then
  // packed once per head instead of once per block of queries (DINOv2's 257 tokens made five
  // blocks, the last of one row). Otherwise blocks of about `queryBlock` rows, evenly sized.
  let pairs = l.batch * l.heads
  let blocks = pairs >= 4 * coreCount || pairs % coreCount == 0 ? 1 : (n + queryBlock - 1) / queryBlock
  let blockRows = (n + blocks - 1) / blocks
  qkv.withUnsafeBufferPointer { qkvBuffer in
    out.withUnsafeMutableBufferPointer { outBuffer in
      withOptionalMutableBuffer(&probabilities) { kept in
        let x = qkvBuffer.baseAddress!, o = outBuffer.baseAddress!
        parallelFor(l.batch * l.heads * blocks) { task in
          let (item, head, block) = (task / (l.heads * blocks), task / blocks % l.heads, task % blocks)
          let r0 = block * blockRows, rows = min(blockRows, n - r0)
          guard rows > 0 else { return }
          func attend(_ s: UnsafeMutablePointer<T>) {
            // s = scale * q k^T (+ bias), then softmax by rows, then the rows times v.
            gemm(transA: false, transB: true, m: rows, n: n, k: l.headDim, alpha: scale,
                 a: x + l.offset(item: item, part: 0, head: head) + r0 * l.qkvStride, lda: l.qkvStride,
                 b: x + l.offset(item: item, part: 1, head: head), ldb: l.qkvStride, beta: 0, c: s, ldc: n)
            if let bias {
              bias.withUnsafeBufferPointer { bb in
                let add = bb.baseAddress! + ((item % l.groups) * l.heads + head) * nn + r0 * n
                for i in 0..<rows * n { s[i] += add[i] }
              }
            }
            for r in 0..<rows { softmaxRow(s + r * n, s + r * n, count: n) }
            gemm(transA: false, transB: false, m: rows, n: l.headDim, k: n, alpha: 1, a: s, lda: n,
                 b: x + l.offset(item: item, part: 2, head: head), ldb: l.qkvStride, beta: 0,
                 c: o + (item * n + r0) * l.dim + head * l.headDim, ldc: l.dim)
          }
          if let kept {
            attend(kept + (item * l.heads + head) * nn + r0 * n)
          } else {
            withUnsafeTemporaryAllocation(of: T.self, capacity: rows * n) { attend($0.baseAddress!) }
          }
        }
      }
    }
  }
  return (out, probabilities)
}

/// The gradients of the fused attention: of qkv `[B, N, 3 * dim]`, and of the scores
/// `[B, heads, N, N]` when asked (for the bias). One task per (batch item, head):
/// `dP = dO v^T`, `dS = P * (dP - rowsum(dP * P))`, `dv = P^T dO`, `dq = scale dS k`,
/// `dk = scale dS^T q`.
private func attentionBackward<T: TensorScalar>(
  _ g: [T], qkv: [T], probabilities: [T], _ l: AttentionLayout, scale: T, keepsScoreGradient: Bool
) -> (dqkv: [T], dScores: [T]?) {
  let (n, nn) = (l.tokens, l.tokens * l.tokens)
  var dqkv = [T](repeating: 0, count: qkv.count)
  var dScores = keepsScoreGradient ? [T](repeating: 0, count: probabilities.count) : nil
  g.withUnsafeBufferPointer { gBuffer in
    qkv.withUnsafeBufferPointer { qkvBuffer in
      probabilities.withUnsafeBufferPointer { pBuffer in
        dqkv.withUnsafeMutableBufferPointer { dBuffer in
          withOptionalMutableBuffer(&dScores) { kept in
            let (dO, x, pAll, d) = (gBuffer.baseAddress!, qkvBuffer.baseAddress!, pBuffer.baseAddress!, dBuffer.baseAddress!)
            parallelFor(l.batch * l.heads) { task in
              let (item, head) = (task / l.heads, task % l.heads)
              let p = pAll + task * nn
              let gOut = dO + item * n * l.dim + head * l.headDim
              func run(_ ds: UnsafeMutablePointer<T>) {
                // dP = dO v^T, then dS = P * (dP - rowsum(dP * P)) in place.
                gemm(transA: false, transB: true, m: n, n: n, k: l.headDim, alpha: 1, a: gOut, lda: l.dim,
                     b: x + l.offset(item: item, part: 2, head: head), ldb: l.qkvStride, beta: 0, c: ds, ldc: n)
                for r in 0..<n {
                  let (row, pr) = (ds + r * n, p + r * n)
                  var dot: T = 0
                  for j in 0..<n { dot += row[j] * pr[j] }
                  for j in 0..<n { row[j] = pr[j] * (row[j] - dot) }
                }
                gemm(transA: true, transB: false, m: n, n: l.headDim, k: n, alpha: 1, a: p, lda: n,
                     b: gOut, ldb: l.dim, beta: 0, c: d + l.offset(item: item, part: 2, head: head), ldc: l.qkvStride)
                gemm(transA: false, transB: false, m: n, n: l.headDim, k: n, alpha: scale, a: ds, lda: n,
                     b: x + l.offset(item: item, part: 1, head: head), ldb: l.qkvStride, beta: 0,
                     c: d + l.offset(item: item, part: 0, head: head), ldc: l.qkvStride)
                gemm(transA: true, transB: false, m: n, n: l.headDim, k: n, alpha: scale, a: ds, lda: n,
                     b: x + l.offset(item: item, part: 0, head: head), ldb: l.qkvStride, beta: 0,
                     c: d + l.offset(item: item, part: 1, head: head), ldc: l.qkvStride)
              }
              if let kept {
                run(kept + task * nn)
              } else {
                withUnsafeTemporaryAllocation(of: T.self, capacity: nn) { run($0.baseAddress!) }
              }
            }
          }
        }
      }
    }
  }
  return (dqkv, dScores)
}

/// Calls `body` with the base address of `array`'s storage, or nil when there is no array.
private func withOptionalMutableBuffer<T, R>(_ array: inout [T]?, _ body: (UnsafeMutablePointer<T>?) -> R) -> R {
  guard array != nil else { return body(nil) }
  return array!.withUnsafeMutableBufferPointer { body($0.baseAddress) }
}
