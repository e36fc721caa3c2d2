import Autodiff

/// A residual block of a ResNet stage.
protocol ResidualBlock {
  /// Paths of the block and its modules, in forward order (the block's own path last).
  var modulePaths: [String] { get }
  func callAsFunction(_ x: Tensor, _ table: ParameterTable, _ ctx: ForwardContext) -> Tensor
}

/// torchvision's BasicBlock: two 3x3 convolutions (ResNet-18/34).
struct BasicBlock: ResidualBlock {
  let path: String
  let conv1: Conv2d, bn1: BatchNorm2d, conv2: Conv2d, bn2: BatchNorm2d
  let downsample: (Conv2d, BatchNorm2d)?

  init(_ path: String, inPlanes: Int, planes: Int, stride: Int, downsample: Bool,
       table t: ParameterTable, source s: WeightSource) {
    self.path = path
    conv1 = Conv2d("\(path).conv1", in: inPlanes, out: planes, kernel: 3, stride: stride, padding: 1, bias: false, table: t, source: s)
    bn1 = BatchNorm2d("\(path).bn1", planes, table: t, source: s)
    conv2 = Conv2d("\(path).conv2", in: planes, out: planes, kernel: 3, padding: 1, bias: false, table: t, source: s)
    bn2 = BatchNorm2d("\(path).bn2", planes, table: t, source: s)
    self.downsample = downsample
      ? (Conv2d("\(path).downsample.0", in: inPlanes, out: planes, kernel: 1, stride: stride, bias: false, table: t, source: s),
         BatchNorm2d("\(path).downsample.1", planes, table: t, source: s))
      : nil
  }

  var modulePaths: [String] {
    ["conv1", "bn1", "conv2", "bn2"].map { "\(path).\($0)" }
      + (downsample == nil ? [] : ["\(path).downsample.0", "\(path).downsample.1", "\(path).downsample"])
      + ["\(path).relu", path]
  }

  func callAsFunction(_ x: Tensor, _ t: ParameterTable, _ ctx: ForwardContext) -> Tensor {
    let h = convBN(conv1, bn1, relu: true, x, t, ctx)
    let identity = downsample.map { ctx.tap("\(path).downsample", convBN($0.0, $0.1, relu: false, x, t, ctx)) } ?? x
    // relu(bn2(conv2(h)) + identity), the addition and ReLU fused into the convolution's output pass.
    return ctx.tap(path, ctx.tap("\(path).relu", convBN(conv2, bn2, relu: true, h, t, ctx, residual: identity)))
  }
}

/// torchvision's Bottleneck: 1x1, 3x3 (with the stride), 1x1 expanding by 4.
struct Bottleneck: ResidualBlock {
  let path: String
  let conv1: Conv2d, bn1: BatchNorm2d, conv2: Conv2d, bn2: BatchNorm2d, conv3: Conv2d, bn3: BatchNorm2d
  let downsample: (Conv2d, BatchNorm2d)?

  init(_ path: String, inPlanes: Int, planes: Int, stride: Int, width: Int, downsample: Bool,
       table t: ParameterTable, source s: WeightSource) {
    self.path = path
    conv1 = Conv2d("\(path).conv1", in: inPlanes, out: width, kernel: 1, bias: false, table: t, source: s)
    bn1 = BatchNorm2d("\(path).bn1", width, table: t, source: s)
    conv2 = Conv2d("\(path).conv2", in: width, out: width, kernel: 3, stride: stride, padding: 1, bias: false, table: t, source: s)
    bn2 = BatchNorm2d("\(path).bn2", width, table: t, source: s)
    conv3 = Conv2d("\(path).conv3", in: width, out: planes * 4, kernel: 1, bias: false, table: t, source: s)
    bn3 = BatchNorm2d("\(path).bn3", planes * 4, table: t, source: s)
    self.downsample = downsample
      ? (Conv2d("\(path).downsample.0", in: inPlanes, out: planes * 4, kernel: 1, stride: stride, bias: false, table: t, source: s),
         BatchNorm2d("\(path).downsample.1", planes * 4, table: t, source: s))
      : nil
  }

  var modulePaths: [String] {
    ["conv1", "bn1", "conv2", "bn2", "conv3", "bn3"].map { "\(path).\($0)" }
      + (downsample == nil ? [] : ["\(path).downsample.0", "\(path).downsample.1", "\(path).downsample"])
      + ["\(path).relu", path]
  }

  func callAsFunction(_ x: Tensor, _ t: ParameterTable, _ ctx: ForwardContext) -> Tensor {
    var h = convBN(conv1, bn1, relu: true, x, t, ctx)
    h = convBN(conv2, bn2, relu: true, h, t, ctx)
    let identity = downsample.map { ctx.tap("\(path).downsample", convBN($0.0, $0.1, relu: false, x, t, ctx)) } ?? x
    // relu(bn3(conv3(h)) + identity), the addition and ReLU fused into the convolution's output pass.
    return ctx.tap(path, ctx.tap("\(path).relu", convBN(conv3, bn3, relu: true, h, t, ctx, residual: identity)))
  }
}
