import Autodiff

/// A 2-D convolution with PyTorch parameter names `<path>.weight` and optional `<path>.bias`.
public struct Conv2d {
  public let path: String
  public let options: Conv2dOptions
  let weight: String
  let bias: String?

  init(_ path: String, in c: Int, out o: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
       groups: Int = 1, bias hasBias: Bool, table: ParameterTable, source: WeightSource) {
    self.path = path
    options = Conv2dOptions(stride: stride, padding: padding, groups: groups)
    weight = table.register("\(path).weight", [o, c / groups, kernel, kernel], from: source)
    bias = hasBias ? table.register("\(path).bias", [o], from: source) : nil
  }

  func callAsFunction(_ x: Tensor, _ table: ParameterTable, _ ctx: ForwardContext) -> Tensor {
    ctx.tap(path, conv2d(x, weight: table[weight], bias: bias.map { table[$0] }, options: options))
  }
}

/// Batch normalisation over channels (`<path>.weight/bias/running_mean/running_var`), eps 1e-5.
public struct BatchNorm2d {
  public let path: String
  let epsilon: Double

  init(_ path: String, _ c: Int, table: ParameterTable, source: WeightSource, epsilon: Double = 1e-5) {
    self.path = path
    self.epsilon = epsilon
    table.register("\(path).weight", [c], from: source)
    table.register("\(path).bias", [c], from: source)
    table.register("\(path).running_mean", [c], from: source, trainable: false)
    table.register("\(path).running_var", [c], from: source, trainable: false)
  }

  func callAsFunction(_ x: Tensor, _ table: ParameterTable, _ ctx: ForwardContext) -> Tensor {
    let mean = table["\(path).running_mean"], variance = table["\(path).running_var"]
    let w = table["\(path).weight"], b = table["\(path).bias"]
    if ctx.training {
      let r = batchNormTraining(x, runningMean: mean, runningVariance: variance, weight: w, bias: b, epsilon: epsilon)
      ctx.updatedBuffers["\(path).running_mean"] = r.runningMean
      ctx.updatedBuffers["\(path).running_var"] = r.runningVariance
      return ctx.tap(path, r.output)
    }
    return ctx.tap(path, batchNorm(x, runningMean: mean, runningVariance: variance, weight: w, bias: b, epsilon: epsilon))
  }
}

/// A fully connected layer (`<path>.weight [out, in]`, `<path>.bias [out]`).
public struct Linear {
  public let path: String
  let hasBias: Bool

  init(_ path: String, in i: Int, out o: Int, bias: Bool = true, table: ParameterTable, source: WeightSource) {
    self.path = path
    hasBias = bias
    table.register("\(path).weight", [o, i], from: source)
    if bias { table.register("\(path).bias", [o], from: source) }
  }

  func callAsFunction(_ x: Tensor, _ table: ParameterTable, _ ctx: ForwardContext) -> Tensor {
    let weight = table["\(path).weight"]
    // Inference reads the weight packed once; training changes it every step.
    let packed = ctx.training ? nil : table.packed("pack:\(path)") { PackedWeights(linearWeight: weight) }
    return ctx.tap(path, linear(x, weight: weight, bias: hasBias ? table["\(path).bias"] : nil, packedWeight: packed))
  }
}

/// Layer normalisation over the last dimension (`<path>.weight`, `<path>.bias`).
public struct LayerNorm {
  public let path: String
  let epsilon: Double

  init(_ path: String, _ d: Int, epsilon: Double, table: ParameterTable, source: WeightSource) {
    self.path = path
    self.epsilon = epsilon
    table.register("\(path).weight", [d], from: source)
    table.register("\(path).bias", [d], from: source)
  }

  func callAsFunction(_ x: Tensor, _ table: ParameterTable, _ ctx: ForwardContext) -> Tensor {
    ctx.tap(path, layerNorm(x, weight: table["\(path).weight"], bias: table["\(path).bias"], epsilon: epsilon))
  }
}

/// `conv -> batch norm (-> ReLU)`. At inference the batch norm is folded into the convolution's
/// weight and bias (`W * s`, `beta - mean * s` with `s = gamma / sqrt(var + eps)`) and the ReLU
/// runs in the convolution's output pass: one pass over memory instead of three. Training, or a
/// tap on either module, runs the modules one by one so every intermediate output exists.
///
/// `residual`, when given, is added before the ReLU (a residual block's shortcut): fused into
/// the same output pass too.
func convBN(
  _ conv: Conv2d, _ bn: BatchNorm2d, relu useRelu: Bool, _ x: Tensor, _ t: ParameterTable, _ ctx: ForwardContext,
  residual: Tensor? = nil
) -> Tensor {
  if ctx.training || conv.bias != nil || ctx.taps.contains(conv.path) || ctx.taps.contains(bn.path) {
    var y = bn(conv(x, t, ctx), t, ctx)
    if let residual { y = y + residual }
    return useRelu ? relu(y) : y
  }
  let folded = t.derived("fold:\(conv.path)") {
    let scale = t["\(bn.path).weight"] / sqrt(t["\(bn.path).running_var"] + bn.epsilon)
    let weight = t[conv.weight] * scale.reshaped([-1, 1, 1, 1])
    return [weight, t["\(bn.path).bias"] - t["\(bn.path).running_mean"] * scale]
  }
  let packed: PackedWeights?
  if conv.options.groups != 1 {
    packed = nil
  } else if winogradPays(folded[0], conv.options, input: x) {
    packed = t.packed("winograd:\(conv.path)") { PackedWeights(winogradWeight: folded[0]) }
  } else {
    packed = t.packed("pack:\(conv.path)") { PackedWeights(convolutionWeight: folded[0]) }
  }
  return conv2d(x, weight: folded[0], bias: folded[1], options: conv.options, residual: residual,
                activation: useRelu ? .relu : .none, packedWeight: packed)
}

/// Whether a convolution is better done by Winograd F(2x2, 3x3) (measured with `gradcam bench`:
/// about twice as fast for ResNet-50's 3x3 layers at 28x28 and 14x14 with 128-256 channels; slower
/// below 128 channels, where the transforms dominate, and at 7x7, where 4x4 tiles leave the
/// products too narrow).
func winogradPays(_ weight: Tensor, _ options: Conv2dOptions, input x: Tensor) -> Bool {
  guard weight.shape[2] == 3, weight.shape[3] == 3, options.stride == (1, 1), options.dilation == (1, 1),
        options.groups == 1, weight.shape[1] >= 128, x.rank == 4 else { return false }
  let outH = x.shape[2] + 2 * options.padding.0 - 2, outW = x.shape[3] + 2 * options.padding.1 - 2
  return outH * outW >= 100
}
