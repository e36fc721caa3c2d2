import Autodiff

/// Reorders dimensions, as torchvision's `ops.misc.Permute` (e.g. `[0, 2, 3, 1]`: NCHW to NHWC).
final class Permute: Module {
  let order: [Int]

  init(_ order: [Int]) {
    self.order = order
  }

  override func forward(_ x: Tensor) -> Tensor { x.permuted(order) }
}
