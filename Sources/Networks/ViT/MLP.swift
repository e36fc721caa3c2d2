import Autodiff

/// timm's `Mlp`: `fc2(act(fc1(x)))` with GELU.
final class MLP: Module {
  let fc1: Linear
  let act = GELU()
  let fc2: Linear

  init(_ dim: Int, hidden: Int) {
    fc1 = Linear(dim, hidden)
    fc2 = Linear(hidden, dim)
  }

  override func forward(_ x: Tensor) -> Tensor { fc2(act(fc1(x))) }
}
