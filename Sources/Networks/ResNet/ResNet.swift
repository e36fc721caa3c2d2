import Autodiff

/// torchvision's ResNet (v1.5: the stride sits in the 3x3 convolution of a bottleneck), with
/// the same module paths and parameter names: `conv1`, `bn1`, `layer1`...`layer4`, `fc`.
public final class ResNet: ImageClassifier {
  public let architecture: String
  public let parameters = ParameterTable()
  public let classCount: Int
  public let input = InputSpec(height: 224, width: 224, profile: "imagenet")
  public let modulePaths: [String]
  public let defaultCAMLayer = "layer4"

  let conv1: Conv2d
  let bn1: BatchNorm2d
  let stages: [[ResidualBlock]]
  let fc: Linear

  /// Known depths and their blocks per stage; `wide` doubles the bottleneck width.
  static let configurations: [String: (bottleneck: Bool, blocks: [Int], widthFactor: Int)] = [
    "resnet18": (false, [2, 2, 2, 2], 1), "resnet34": (false, [3, 4, 6, 3], 1),
    "resnet50": (true, [3, 4, 6, 3], 1), "resnet101": (true, [3, 4, 23, 3], 1),
    "resnet152": (true, [3, 8, 36, 3], 1), "wide_resnet50_2": (true, [3, 4, 6, 3], 2),
  ]

  /// Builds `architecture` (one of ``configurations``) with weights from `source`.
  public init(_ architecture: String, classCount: Int = 1000, weights source: WeightSource) throws {
    guard let config = Self.configurations[architecture] else {
      throw NetworkError.unknownArchitecture(architecture, known: Self.configurations.keys.sorted())
    }
    self.architecture = architecture
    self.classCount = classCount
    let t = parameters
    conv1 = Conv2d("conv1", in: 3, out: 64, kernel: 7, stride: 2, padding: 3, bias: false, table: t, source: source)
    bn1 = BatchNorm2d("bn1", 64, table: t, source: source)
    var paths = ["conv1", "bn1", "relu", "maxpool"]
    var inPlanes = 64
    var stages: [[ResidualBlock]] = []
    let expansion = config.bottleneck ? 4 : 1
    for (s, count) in config.blocks.enumerated() {
      let planes = 64 << s
      var blocks: [ResidualBlock] = []
      for b in 0..<count {
        let stride = (b == 0 && s > 0) ? 2 : 1
        let path = "layer\(s + 1).\(b)"
        let needsDownsample = b == 0 && (stride != 1 || inPlanes != planes * expansion)
        let block: ResidualBlock = config.bottleneck
          ? Bottleneck(path, inPlanes: inPlanes, planes: planes, stride: stride, width: planes * config.widthFactor,
                       downsample: needsDownsample, table: t, source: source)
          : BasicBlock(path, inPlanes: inPlanes, planes: planes, stride: stride, downsample: needsDownsample,
                       table: t, source: source)
        blocks.append(block)
        paths += block.modulePaths
        inPlanes = planes * expansion
      }
      stages.append(blocks)
      paths.append("layer\(s + 1)")
    }
    self.stages = stages
    fc = Linear("fc", in: inPlanes, out: classCount, table: t, source: source)
    modulePaths = paths + ["avgpool", "fc"]
    try source.finish()
  }

  public func forward(_ x: Tensor, context ctx: ForwardContext) -> Tensor {
    let t = parameters
    var h = ctx.tap("relu", convBN(conv1, bn1, relu: true, x, t, ctx))
    h = ctx.tap("maxpool", maxPool2d(h, kernel: 3, stride: 2, padding: 1))
    for (s, blocks) in stages.enumerated() {
      for block in blocks { h = block(h, t, ctx) }
      h = ctx.tap("layer\(s + 1)", h)
    }
    let pooled = ctx.tap("avgpool", h.mean(alongAxes: [2, 3], keepingDimensions: true))
    return fc(pooled.flattened(from: 1), t, ctx)
  }
}
