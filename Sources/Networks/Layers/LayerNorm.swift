import Autodiff

/// Layer normalisation over the last dimension (`weight`, `bias`), as `nn.LayerNorm`.
public final class LayerNorm: Module {
  let weight: Weight, bias: Weight
  let epsilon: Double

  init(_ dim: Int, epsilon: Double) {
    weight = Weight([dim])
    bias = Weight([dim])
    self.epsilon = epsilon
  }

  override func forward(_ x: Tensor) -> Tensor {
    layerNorm(x, weight: weight.value, bias: bias.value, epsilon: epsilon)
  }
}
