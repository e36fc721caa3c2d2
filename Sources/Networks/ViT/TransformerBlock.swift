import Autodiff

/// timm's pre-norm transformer `Block`: `x + attn(norm1(x))`, then `x + mlp(norm2(x))`, with
/// DINOv2's layer scales `ls1`, `ls2` when the checkpoint has them.
final class TransformerBlock: Module {
  let norm1: LayerNorm
  let attn: Attention
  let ls1: LayerScale?
  let norm2: LayerNorm
  let mlp: MLP
  let ls2: LayerScale?

  init(dim: Int, heads: Int, mlpRatio: Int, epsilon: Double, layerScale: Bool) {
    norm1 = LayerNorm(dim, epsilon: epsilon)
    attn = Attention(dim: dim, heads: heads)
    ls1 = layerScale ? LayerScale(dim) : nil
    norm2 = LayerNorm(dim, epsilon: epsilon)
    mlp = MLP(dim, hidden: dim * mlpRatio)
    ls2 = layerScale ? LayerScale(dim) : nil
  }

  override func forward(_ x: Tensor) -> Tensor {
    let a = attn(norm1(x))
    let h = x + (ls1.map { $0(a) } ?? a)
    let m = mlp(norm2(h))
    return h + (ls2.map { $0(m) } ?? m)
  }
}
