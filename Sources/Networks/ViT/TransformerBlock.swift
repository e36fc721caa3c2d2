import Autodiff

/// A pre-norm transformer block: `x + attn(norm1(x))`, then `x + mlp(norm2(x))`.
struct TransformerBlock {
  let path: String
  let norm1: LayerNorm, norm2: LayerNorm
  let qkv: Linear, proj: Linear, fc1: Linear, fc2: Linear
  let heads: Int, dim: Int
  /// DINOv2-style layer scale (`ls1.gamma`, `ls2.gamma`) when the checkpoint has it.
  let layerScale: Bool

  init(_ path: String, dim: Int, heads: Int, mlpRatio: Int, epsilon: Double, table t: ParameterTable, source s: WeightSource) {
    self.path = path
    self.heads = heads
    self.dim = dim
    norm1 = LayerNorm("\(path).norm1", dim, epsilon: epsilon, table: t, source: s)
    qkv = Linear("\(path).attn.qkv", in: dim, out: 3 * dim, table: t, source: s)
    proj = Linear("\(path).attn.proj", in: dim, out: dim, table: t, source: s)
    layerScale = s.contains("\(path).ls1.gamma") && { if case .stateDict = s.mode { return true } else { return false } }()
    if layerScale {
      t.register("\(path).ls1.gamma", [dim], from: s)
      t.register("\(path).ls2.gamma", [dim], from: s)
    }
    norm2 = LayerNorm("\(path).norm2", dim, epsilon: epsilon, table: t, source: s)
    fc1 = Linear("\(path).mlp.fc1", in: dim, out: dim * mlpRatio, table: t, source: s)
    fc2 = Linear("\(path).mlp.fc2", in: dim * mlpRatio, out: dim, table: t, source: s)
  }

  var modulePaths: [String] {
    ["norm1", "attn.qkv", "attn.attn_drop", "attn.proj", "attn", "norm2", "mlp.fc1", "mlp.act", "mlp.fc2", "mlp"]
      .map { "\(path).\($0)" } + [path]
  }

  func callAsFunction(_ x: Tensor, _ t: ParameterTable, _ ctx: ForwardContext) -> Tensor {
    var a = ctx.tap("\(path).attn", attention(norm1(x, t, ctx), t, ctx))
    if layerScale { a = a * t["\(path).ls1.gamma"] }
    let h = x + a
    var m = fc2(ctx.tap("\(path).mlp.act", gelu(fc1(norm2(h, t, ctx), t, ctx))), t, ctx)
    m = ctx.tap("\(path).mlp", m)
    if layerScale { m = m * t["\(path).ls2.gamma"] }
    return ctx.tap(path, h + m)
  }

  /// Multi-head self-attention: `softmax(q k^T / sqrt(d_head)) v`, heads split as timm does
  /// (`qkv(x).reshape(B, N, 3, heads, d_head)`).
  func attention(_ x: Tensor, _ t: ParameterTable, _ ctx: ForwardContext) -> Tensor {
    let (b, n) = (x.shape[0], x.shape[1])
    let hd = dim / heads
    // [B, N, 3D] -> [3, B, heads, N, hd]
    let qkvOut = qkv(x, t, ctx).reshaped([b, n, 3, heads, hd]).permuted([2, 0, 3, 1, 4])
    let (q, k, v) = (qkvOut.first(0), qkvOut.first(1), qkvOut.first(2))
    let scores = matmul(q, k.transposed(-2, -1)) * (1 / Double(hd).squareRoot())
    let probabilities = ctx.recordAttention("\(path).attn.attn_drop", softmax(scores, axis: -1))
    let mixed = matmul(probabilities, v).transposed(1, 2).reshaped([b, n, dim])
    return proj(mixed, t, ctx)
  }
}
