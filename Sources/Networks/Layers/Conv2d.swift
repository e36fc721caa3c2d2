import Autodiff

/// A 2-D convolution (`weight [out, in / groups, k, k]`, optional `bias [out]`), as `nn.Conv2d`.
public final class Conv2d: Module {
  let weight: Weight
  let bias: Weight?
  /// Stride, padding and groups.
  public let options: Conv2dOptions

  init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0, groups: Int = 1,
       bias: Bool = true) {
    weight = Weight([outChannels, inChannels / groups, kernel, kernel])
    self.bias = bias ? Weight([outChannels]) : nil
    options = Conv2dOptions(stride: stride, padding: padding, groups: groups)
  }

  override func forward(_ x: Tensor) -> Tensor {
    conv2d(x, weight: weight.value, bias: bias?.value, options: options)
  }
}
