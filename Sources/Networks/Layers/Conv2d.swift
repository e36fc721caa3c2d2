import Autodiff

/// A 2-D convolution (`weight [out, in / groups, k, k]`, optional `bias [out]`), as `nn.Conv2d`.
///
/// With `tfSamePadding` the zero padding is TensorFlow's "same" (as timm's `Conv2dSame` and
/// EfficientNet-PyTorch's `Conv2dStaticSamePadding`): output size `ceil(in / stride)`, the
/// padding split with the odd pixel after (bottom, right). It depends on the input size, so it is
/// applied to each input.
public final class Conv2d: Module {
  let weight: Weight
  let bias: Weight?
  /// Stride, padding and groups (padding 0 when `tfSamePadding`).
  public let options: Conv2dOptions
  /// Whether the padding is TensorFlow's "same".
  public let tfSamePadding: Bool
  let kernel: Int

  init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0, groups: Int = 1,
       bias: Bool = true, tfSamePadding: Bool = false) {
    weight = Weight([outChannels, inChannels / groups, kernel, kernel])
    self.bias = bias ? Weight([outChannels]) : nil
    options = Conv2dOptions(stride: stride, padding: tfSamePadding ? 0 : padding, groups: groups)
    self.tfSamePadding = tfSamePadding
    self.kernel = kernel
  }

  /// The input and options to convolve `x` with: TensorFlow's "same" padding becomes the
  /// convolution's own padding (uneven splits as its `endPadding`), so the kernel reads the
  /// padding in place and no padded copy of the input is made.
  func prepared(_ x: Tensor) -> (input: Tensor, options: Conv2dOptions) {
    guard tfSamePadding else { return (x, options) }
    func split(_ size: Int, _ stride: Int) -> (before: Int, after: Int) {
      let out = (size + stride - 1) / stride
      let total = max((out - 1) * stride + kernel - size, 0)
      return (total / 2, total - total / 2)
    }
    let h = split(x.shape[2], options.stride.0), w = split(x.shape[3], options.stride.1)
    var same = options
    same.padding = (h.before, w.before)
    if h.before != h.after || w.before != w.after { same.endPadding = (h.after, w.after) }
    return (x, same)
  }

  override func forward(_ x: Tensor) -> Tensor {
    let (input, options) = prepared(x)
    return conv2d(input, weight: weight.value, bias: bias?.value, options: options)
  }
}
