import Autodiff

/// ConvNeXt's block: depthwise 7x7 convolution, then on channels-last LayerNorm, Linear to 4x
/// width, GELU, Linear back; the result times a per-channel layer scale is added to the input
/// (stochastic depth is the identity at evaluation).
///
/// torchvision names it `CNBlock` with `block` = `[conv, Permute, LayerNorm, Linear, GELU,
/// Linear, Permute]` (`block.0`...`block.6`) and `layer_scale [C, 1, 1]`; timm names the same
/// modules `conv_dw`, `norm`, `mlp.fc1`, `mlp.act`, `mlp.fc2` and the scale `gamma [C]`.
final class ConvNeXtBlock: Module {
  let layout: ConvNeXtLayout
  let convDw: Conv2d
  let norm: LayerNorm
  let mlp: MLP
  let scale: Weight
  /// torchvision's `block`: the same modules as a sequence.
  let block: Sequential

  init(_ dim: Int, layout: ConvNeXtLayout) {
    self.layout = layout
    convDw = Conv2d(dim, dim, kernel: 7, padding: 3, groups: dim)
    norm = LayerNorm(dim, epsilon: 1e-6)
    mlp = MLP(dim, hidden: 4 * dim)
    scale = Weight(layout == .torchvision ? [dim, 1, 1] : [dim])
    block = Sequential([convDw, Permute([0, 2, 3, 1]), norm, mlp.fc1, mlp.act, mlp.fc2, Permute([0, 3, 1, 2])])
  }

  override func members() -> [(name: String, member: Member)] {
    switch layout {
    case .torchvision:
      return [("block", .module(block)), ("layer_scale", .parameter(scale))]
    case .timm:
      return [("conv_dw", .module(convDw)), ("norm", .module(norm)), ("mlp", .module(mlp)), ("gamma", .parameter(scale))]
    }
  }

  override func forward(_ x: Tensor) -> Tensor {
    let y: Tensor
    switch layout {
    case .torchvision: y = block(x)
    case .timm: y = mlp(norm(convDw(x).permuted([0, 2, 3, 1]))).permuted([0, 3, 1, 2])
    }
    // The layer scale in one per-channel pass (a broadcast multiply walks the map element by element).
    let gamma = scale.value.reshaped([-1])
    return x + channelAffine(y, scale: gamma, shift: Tensor.zeros(gamma.shape, dtype: gamma.dtype))
  }
}
