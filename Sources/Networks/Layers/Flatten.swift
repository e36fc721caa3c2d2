import Autodiff

/// Flattens every dimension from the second on, as `nn.Flatten(1)`.
final class Flatten: Module {
  override func forward(_ x: Tensor) -> Tensor { x.flattened(from: 1) }
}
