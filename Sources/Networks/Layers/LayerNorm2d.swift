import Autodiff

/// Layer normalisation over the channels of `[N, C, H, W]` maps at each pixel (`weight`, `bias`
/// of `[C]`), as torchvision's and timm's `LayerNorm2d` (which permute to channels-last, apply
/// `F.layer_norm` and permute back). Computed along axis 1 directly, without the two copies.
public final class LayerNorm2d: Module {
  let weight: Weight, bias: Weight
  let epsilon: Double

  init(_ channels: Int, epsilon: Double) {
    weight = Weight([channels])
    bias = Weight([channels])
    self.epsilon = epsilon
  }

  override func forward(_ x: Tensor) -> Tensor {
    let mean = x.mean(alongAxes: [1], keepingDimensions: true)
    let centred = x - mean
    let variance = (centred * centred).mean(alongAxes: [1], keepingDimensions: true)
    let perChannel = [-1] + Array(repeating: 1, count: x.rank - 2)
    return centred / sqrt(variance + epsilon) * weight.value.reshaped(perChannel) + bias.value.reshaped(perChannel)
  }
}
