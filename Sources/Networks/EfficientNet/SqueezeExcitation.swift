import Autodiff

/// Squeeze-excitation: each channel scaled by a gate computed from the channel means through a
/// 1x1 reduce and expand convolution (timm's `SqueezeExcite`, torchvision's
/// `SqueezeExcitation`, EfficientNet-PyTorch's inline `_se_reduce` / `_se_expand`).
///
/// The two convolutions are named as the source layout names them (`conv_reduce`/`conv_expand`
/// in timm, `fc1`/`fc2` in torchvision).
final class SqueezeExcitation: Module {
  let reduce: Conv2d, expand: Conv2d
  let names: (reduce: String, expand: String)
  let activation: Module, gate: Module

  init(_ channels: Int, squeezed: Int, names: (reduce: String, expand: String), activation: Module, gate: Module) {
    reduce = Conv2d(channels, squeezed, kernel: 1)
    expand = Conv2d(squeezed, channels, kernel: 1)
    self.names = names
    self.activation = activation
    self.gate = gate
  }

  override func members() -> [(name: String, member: Member)] {
    [(names.reduce, .module(reduce)), (names.expand, .module(expand))]
  }

  override func forward(_ x: Tensor) -> Tensor {
    let s = x.mean(alongAxes: [2, 3], keepingDimensions: true)
    return x * gate.forward(expand(activation.forward(reduce(s))))
  }
}
