import Autodiff

/// DINOv2's `LayerScale`: `x * gamma`.
final class LayerScale: Module {
  let gamma: Weight

  init(_ dim: Int) {
    gamma = Weight([dim])
  }

  override func forward(_ x: Tensor) -> Tensor { x * gamma.value }
}
