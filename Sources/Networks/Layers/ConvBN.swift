import Autodiff

/// `conv -> batch norm (-> ReLU)`. At inference the batch norm is folded into the convolution's
/// weight and bias (`W * s`, `beta - mean * s` with `s = gamma / sqrt(var + eps)`) and the ReLU
/// runs in the convolution's output pass: one pass over memory instead of three. Training, or a
/// tap on either module, runs the modules one by one so every intermediate output exists.
///
/// `residual`, when given, is added before the ReLU (a residual block's shortcut): fused into
/// the same output pass too.
func convBN(_ conv: Conv2d, _ bn: BatchNorm2d, _ x: Tensor, relu useRelu: Bool, residual: Tensor? = nil) -> Tensor {
  let context = ForwardContext.current
  if context.training || conv.bias != nil || context.taps.contains(conv.path) || context.taps.contains(bn.path) {
    var y = bn(conv(x))
    if let residual { y = y + residual }
    return useRelu ? relu(y) : y
  }
  let (x, options) = conv.prepared(x)
  let table = conv.weight.table!
  let folded = table.derived("fold:\(conv.path)") {
    let scale = bn.weight.value / sqrt(bn.runningVar.value + bn.epsilon)
    let weight = conv.weight.value * scale.reshaped([-1, 1, 1, 1])
    return [weight, bn.bias.value - bn.runningMean.value * scale]
  }
  let packed: PackedWeights?
  if options.groups != 1 {
    packed = nil
  } else if winogradPays(folded[0], options, input: x) {
    packed = table.packed("winograd:\(conv.path)") { PackedWeights(winogradWeight: folded[0]) }
  } else if PackedWeights.stridedConvolutionPays(folded[0], options) {
    packed = table.packed("strided:\(conv.path)") { PackedWeights(stridedConvolutionWeight: folded[0]) }
  } else {
    packed = table.packed("pack:\(conv.path)") { PackedWeights(convolutionWeight: folded[0]) }
  }
  return conv2d(x, weight: folded[0], bias: folded[1], options: options, residual: residual,
                activation: useRelu ? .relu : .none, packedWeight: packed)
}

/// Whether a convolution is better done by Winograd F(2x2, 3x3) (measured with `gradcam bench`:
/// about twice as fast for ResNet-50's 3x3 layers at 28x28 and 14x14 with 128-256 channels, and
/// ResNet-50 3-5% faster at batch 1 (1-3% at batch 8) with its 64-channel 56x56 layers too, on the
/// AVX-512 and the AVX2 kernel of an Emerald Rapids Xeon; slower below 64 channels, where the
/// transforms dominate, and at 7x7, where 4x4 tiles leave the products too narrow). Never on
/// OpenBLAS: the 16 products need the package's kernel with prepacked weights.
public func winogradPays(_ weight: Tensor, _ options: Conv2dOptions, input x: Tensor) -> Bool {
  guard GEMMKernel.usesPackageKernel, weight.shape[2] == 3, weight.shape[3] == 3, options.stride == (1, 1), options.dilation == (1, 1),
        options.groups == 1, options.endPadding == nil, weight.shape[1] >= 64, x.rank == 4 else { return false }
  let outH = x.shape[2] + 2 * options.padding.0 - 2, outW = x.shape[3] + 2 * options.padding.1 - 2
  return outH * outW >= 100
}
