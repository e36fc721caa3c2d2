import Autodiff

// Modules without parameters. PyTorch models hold them as modules (`self.relu = nn.ReLU()`), so
// their outputs have paths that can be tapped.

/// `max(x, 0)`, as `nn.ReLU`.
final class ReLU: Module {
  override func forward(_ x: Tensor) -> Tensor { relu(x) }
}

/// GELU (erf form), as `nn.GELU`.
final class GELU: Module {
  override func forward(_ x: Tensor) -> Tensor { gelu(x) }
}

/// `nn.Dropout` as the networks here use it, with rate 0: the identity.
final class Dropout: Module {}

/// Max pooling over square windows, as `nn.MaxPool2d`.
final class MaxPool2d: Module {
  let kernel: Int, stride: Int, padding: Int

  init(kernel: Int, stride: Int, padding: Int) {
    self.kernel = kernel
    self.stride = stride
    self.padding = padding
  }

  override func forward(_ x: Tensor) -> Tensor { maxPool2d(x, kernel: kernel, stride: stride, padding: padding) }
}

/// The mean over each channel's map: `[N, C, 1, 1]` as `nn.AdaptiveAvgPool2d(1)`, or `[N, C]`
/// when `flattened`.
final class AdaptiveAvgPool2d: Module {
  let flattened: Bool

  init(flattened: Bool = false) {
    self.flattened = flattened
  }

  override func forward(_ x: Tensor) -> Tensor { x.mean(alongAxes: [2, 3], keepingDimensions: !flattened) }
}

/// `min(max(x, 0), 6)`, as `nn.ReLU6`.
final class ReLU6: Module {
  override func forward(_ x: Tensor) -> Tensor { relu6(x) }
}

/// `x * relu6(x + 3) / 6`, as `nn.Hardswish`.
final class Hardswish: Module {
  override func forward(_ x: Tensor) -> Tensor { hardSwish(x) }
}

/// `relu6(x + 3) / 6`, as `nn.Hardsigmoid`.
final class Hardsigmoid: Module {
  override func forward(_ x: Tensor) -> Tensor { hardSigmoid(x) }
}

/// `x * sigmoid(x)`, as `nn.SiLU`.
final class SiLU: Module {
  override func forward(_ x: Tensor) -> Tensor { silu(x) }
}

/// The logistic sigmoid, as `nn.Sigmoid`.
final class Sigmoid: Module {
  override func forward(_ x: Tensor) -> Tensor { sigmoid(x) }
}
