import Autodiff

/// Swin's pre-norm block on `[B, H, W, C]`: `x + attn(norm1(x))`, then `x + mlp(norm2(x))`
/// (stochastic depth is the identity at evaluation). Even blocks of a stage attend in regular
/// windows, odd blocks in windows shifted by half a window.
///
/// The MLP is torchvision's `ops.MLP` (`mlp.0` Linear, `mlp.1` GELU, `mlp.3` Linear) or timm's
/// `Mlp` (`mlp.fc1`, `mlp.act`, `mlp.fc2`): the same modules named by the layout.
final class SwinBlock: Module {
  let layout: SwinLayout
  let norm1: LayerNorm
  let attn: ShiftedWindowAttention
  let norm2: LayerNorm
  let mlp: MLP
  /// torchvision's `mlp`: the same Linear and GELU modules with its dropouts, as a sequence.
  let torchvisionMLP: Sequential

  init(dim: Int, heads: Int, window: Int, shift: Int, layout: SwinLayout) {
    self.layout = layout
    norm1 = LayerNorm(dim, epsilon: 1e-5)
    attn = ShiftedWindowAttention(dim: dim, heads: heads, window: window, shift: shift)
    norm2 = LayerNorm(dim, epsilon: 1e-5)
    mlp = MLP(dim, hidden: 4 * dim)
    torchvisionMLP = Sequential([mlp.fc1, mlp.act, Dropout(), mlp.fc2, Dropout()])
  }

  override func members() -> [(name: String, member: Member)] {
    [("norm1", .module(norm1)), ("attn", .module(attn)), ("norm2", .module(norm2)),
     ("mlp", .module(layout == .torchvision ? torchvisionMLP : mlp))]
  }

  override func forward(_ x: Tensor) -> Tensor {
    let h = x + attn(norm1(x))
    let m = layout == .torchvision ? torchvisionMLP(norm2(h)) : mlp(norm2(h))
    return h + m
  }
}
