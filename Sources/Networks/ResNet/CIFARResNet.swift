import Autodiff

/// The CIFAR-10 ResNets of He et al. (2016) §4.2 as in akamaster/pytorch_resnet_cifar10:
/// depth 6n+2 (20, 32, 44, 56, 110), stages of 16/32/64 channels on 32x32 inputs, option-A
/// shortcuts (stride-2 subsampling and zero channel padding, no parameters), head `linear`.
public final class CIFARResNet: ImageClassifier {
  public let architecture: String
  public let parameters = ParameterTable()
  public let classCount: Int
  public let input: InputSpec
  public let modulePaths: [String]
  public let defaultCAMLayer = "layer3"

  let conv1: Conv2d
  let bn1: BatchNorm2d
  let stages: [[CIFARBlock]]
  let head: Linear

  /// Known depths.
  public static let depths = [20, 32, 44, 56, 110]

  /// Builds `cifar_resnet<depth>` with weights from `source`.
  public convenience init(depth: Int, classCount: Int = 10, weights source: WeightSource) throws {
    guard Self.depths.contains(depth) else {
      throw NetworkError.unknownArchitecture("cifar_resnet\(depth)", known: Self.depths.map { "cifar_resnet\($0)" })
    }
    try self.init(
      architecture: "cifar_resnet\(depth)", blocksPerStage: (depth - 2) / 6, stemStride: 1,
      input: InputSpec(height: 32, width: 32, profile: "cifar"), classCount: classCount, weights: source)
  }

  /// `demo_cnn`, the network of the bundled `demo-cnn` model: the same layout with one block
  /// per stage (depth 8) and a stride-2 stem, for 64x64 input (`layer3` is 8x8, like the
  /// patch grid of `vit_demo`).
  public static func demo(classCount: Int = 6, weights source: WeightSource) throws -> CIFARResNet {
    try CIFARResNet(
      architecture: "demo_cnn", blocksPerStage: 1, stemStride: 2,
      input: InputSpec(height: 64, width: 64, profile: "demo"), classCount: classCount, weights: source)
  }

  init(architecture: String, blocksPerStage n: Int, stemStride: Int, input: InputSpec, classCount: Int,
       weights source: WeightSource) throws {
    self.architecture = architecture
    self.input = input
    self.classCount = classCount
    let t = parameters
    conv1 = Conv2d("conv1", in: 3, out: 16, kernel: 3, stride: stemStride, padding: 1, bias: false, table: t, source: source)
    bn1 = BatchNorm2d("bn1", 16, table: t, source: source)
    var paths = ["conv1", "bn1"]
    var inPlanes = 16
    var stages: [[CIFARBlock]] = []
    for s in 0..<3 {
      let planes = 16 << s
      var blocks: [CIFARBlock] = []
      for b in 0..<n {
        let block = CIFARBlock(
          "layer\(s + 1).\(b)", inPlanes: inPlanes, planes: planes, stride: (b == 0 && s > 0) ? 2 : 1,
          table: t, source: source)
        paths += block.modulePaths
        blocks.append(block)
        inPlanes = planes
      }
      stages.append(blocks)
      paths.append("layer\(s + 1)")
    }
    self.stages = stages
    head = Linear("linear", in: 64, out: classCount, table: t, source: source)
    modulePaths = paths + ["avgpool", "linear"]
    try source.finish()
  }

  public func forward(_ x: Tensor, context ctx: ForwardContext) -> Tensor {
    let t = parameters
    var h = convBN(conv1, bn1, relu: true, x, t, ctx)
    for (s, blocks) in stages.enumerated() {
      for block in blocks { h = block(h, t, ctx) }
      h = ctx.tap("layer\(s + 1)", h)
    }
    let pooled = ctx.tap("avgpool", h.mean(alongAxes: [2, 3]))
    return head(pooled, t, ctx)
  }
}

/// A basic block with an option-A shortcut.
struct CIFARBlock {
  let path: String
  let conv1: Conv2d, bn1: BatchNorm2d, conv2: Conv2d, bn2: BatchNorm2d
  /// For a subsampling block: a fixed 1x1 stride-2 convolution whose weight is a shifted
  /// identity. It computes exactly `pad(x[:, :, ::2, ::2], channels: planes/4 each side)`,
  /// the option-A shortcut, with ops the autodiff already differentiates.
  let shortcut: Tensor?

  init(_ path: String, inPlanes: Int, planes: Int, stride: Int, table t: ParameterTable, source s: WeightSource) {
    self.path = path
    conv1 = Conv2d("\(path).conv1", in: inPlanes, out: planes, kernel: 3, stride: stride, padding: 1, bias: false, table: t, source: s)
    bn1 = BatchNorm2d("\(path).bn1", planes, table: t, source: s)
    conv2 = Conv2d("\(path).conv2", in: planes, out: planes, kernel: 3, padding: 1, bias: false, table: t, source: s)
    bn2 = BatchNorm2d("\(path).bn2", planes, table: t, source: s)
    if stride != 1 || inPlanes != planes {
      var w = [Float](repeating: 0, count: planes * inPlanes)
      let offset = planes / 4
      for c in 0..<inPlanes { w[(c + offset) * inPlanes + c] = 1 }
      shortcut = Tensor(shape: [planes, inPlanes, 1, 1], scalars: w)
    } else {
      shortcut = nil
    }
  }

  var modulePaths: [String] {
    ["conv1", "bn1", "conv2", "bn2", "shortcut"].map { "\(path).\($0)" } + [path]
  }

  func callAsFunction(_ x: Tensor, _ t: ParameterTable, _ ctx: ForwardContext) -> Tensor {
    let h = convBN(conv1, bn1, relu: true, x, t, ctx)
    let identity = ctx.tap("\(path).shortcut", shortcut.map { conv2d(x, weight: $0, options: Conv2dOptions(stride: 2)) } ?? x)
    // relu(bn2(conv2(h)) + identity), the addition and ReLU fused into the convolution's output pass.
    return ctx.tap(path, convBN(conv2, bn2, relu: true, h, t, ctx, residual: identity))
  }
}
