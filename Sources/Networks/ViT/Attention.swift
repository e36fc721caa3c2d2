import Autodiff

/// timm's multi-head self-attention: `proj(softmax(q k^T / sqrt(d_head)) v)`, heads split as
/// timm does (`qkv(x).reshape(B, N, 3, heads, d_head)`). The probabilities are the output of
/// `attn_drop`, kept for rollout when the pass captures attention.
///
/// The attention runs as one fused op (``multiHeadAttention(_:heads:scale:bias:keepingProbabilities:)``)
/// unless the pass taps `attn_drop` (gradient rollout, or a CAM at that layer): then the
/// probabilities must be a graph node of their own, and the unfused ops below compute them.
final class Attention: Module {
  let qkv: Linear
  let attnDrop = Dropout()
  let proj: Linear
  let heads: Int, dim: Int

  init(dim: Int, heads: Int) {
    qkv = Linear(dim, 3 * dim)
    proj = Linear(dim, dim)
    self.heads = heads
    self.dim = dim
  }

  override func forward(_ x: Tensor) -> Tensor {
    let context = ForwardContext.current
    let scale = 1 / Double(dim / heads).squareRoot()
    guard context.taps.contains(attnDrop.path) else {
      let fused = multiHeadAttention(qkv(x), heads: heads, scale: scale, keepingProbabilities: context.capturesAttention)
      if let probabilities = fused.probabilities { context.recordAttention(probabilities) }
      return proj(fused.output)
    }
    let (b, n) = (x.shape[0], x.shape[1])
    let hd = dim / heads
    // [B, N, 3D] -> [3, B, heads, N, hd]
    let qkvOut = qkv(x).reshaped([b, n, 3, heads, hd]).permuted([2, 0, 3, 1, 4])
    let (q, k, v) = (qkvOut.first(0), qkvOut.first(1), qkvOut.first(2))
    let scores = matmul(q, k.transposed(-2, -1)) * scale
    let probabilities = attnDrop(softmax(scores, axis: -1))
    context.recordAttention(probabilities)
    let mixed = matmul(probabilities, v).transposed(1, 2).reshaped([b, n, dim])
    return proj(mixed)
  }
}
