import Autodiff

/// Modules run one after another and named by position (`layer1.0`, `downsample.1`), as
/// `nn.Sequential`. A convolution followed by batch norm runs as one folded convolution
/// (``convBN(_:_:_:relu:residual:)``).
final class Sequential: Module {
  let items: [Module]

  init(_ items: [Module]) {
    self.items = items
  }

  override func members() -> [(name: String, member: Member)] {
    items.enumerated().map { ("\($0.offset)", .module($0.element)) }
  }

  override func forward(_ x: Tensor) -> Tensor {
    var h = x
    var i = 0
    while i < items.count {
      if i + 1 < items.count, let conv = items[i] as? Conv2d, let bn = items[i + 1] as? BatchNorm2d {
        h = convBN(conv, bn, h, relu: false)
        i += 2
      } else {
        h = items[i](h)
        i += 1
      }
    }
    return h
  }
}
