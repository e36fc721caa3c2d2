import Autodiff

/// EfficientNet-B0...B3 and EfficientNet-Lite0...4 (timm's `EfficientNet`, EfficientNet-PyTorch's
/// `EfficientNet`) in either key layout (``EfficientNetLayout``): a strided 3x3 stem, seven
/// stages of ``MBConv`` blocks, a 1x1 head convolution, global average pooling and a linear
/// classifier.
///
/// Module paths are those of the layout: lukemelas `_conv_stem`, `_bn0`, `_blocks.0`...,
/// `_conv_head`, `_bn1`, `_fc`; timm `conv_stem`, `bn1`, `blocks.0.0`..., `blocks.6`,
/// `conv_head`, `bn2`, `classifier`. The default CAM layer is the head convolution's output
/// (`_conv_head` / `conv_head`, 1280 channels at 1/32 of the input for Lite0 and B0).
public final class EfficientNet: Network, ImageClassifier {
  public let architecture: String
  public let classCount: Int
  public let input: InputSpec
  public let defaultCAMLayer: String
  let layout: EfficientNetLayout

  let convStem: Conv2d, bnStem: BatchNorm2d
  /// Blocks by stage.
  let stages: [[MBConv]]
  /// The timm layout's `blocks`: a sequence of stages, each a sequence of blocks.
  let timmBlocks: Sequential
  let convHead: Conv2d, bnHead: BatchNorm2d
  let activation: Module
  let classifier: Linear

  /// Builds `architecture` (one of ``EfficientNetConfig/names``) with weights from `source`,
  /// named as `layout` names them.
  public init(_ architecture: String, layout: EfficientNetLayout, classCount: Int = 1000, weights source: WeightSource) throws {
    guard let config = EfficientNetConfig.named(architecture) else {
      throw NetworkError.unknownArchitecture(architecture, known: EfficientNetConfig.names)
    }
    self.architecture = architecture
    self.classCount = classCount
    self.layout = layout
    input = InputSpec(height: config.resolution, width: config.resolution, profile: config.profile)
    defaultCAMLayer = layout == .lukemelas ? "_conv_head" : "conv_head"
    let eps = config.tfPorted ? 1e-3 : 1e-5
    convStem = Conv2d(3, config.stemChannels, kernel: 3, stride: 2, padding: 1, bias: false, tfSamePadding: config.tfPorted)
    bnStem = BatchNorm2d(config.stemChannels, epsilon: eps)
    var inChannels = config.stemChannels
    var stages: [[MBConv]] = []
    for stage in config.stages {
      var blocks: [MBConv] = []
      for i in 0..<stage.repeats {
        blocks.append(MBConv(
          inChannels, stage.channels, kernel: stage.kernel, stride: i == 0 ? stage.stride : 1,
          expansion: stage.expansion, config: config, layout: layout))
        inChannels = stage.channels
      }
      stages.append(blocks)
    }
    self.stages = stages
    timmBlocks = Sequential(stages.map { Sequential($0) })
    convHead = Conv2d(inChannels, config.headChannels, kernel: 1, bias: false)
    bnHead = BatchNorm2d(config.headChannels, epsilon: eps)
    activation = Self.activationModule(config.activation)
    classifier = Linear(config.headChannels, classCount)
    super.init()
    try build(weights: source)
  }

  override func members() -> [(name: String, member: Member)] {
    switch layout {
    case .lukemelas:
      return [("_conv_stem", .module(convStem)), ("_bn0", .module(bnStem))]
        + stages.joined().enumerated().map { ("_blocks.\($0.offset)", .module($0.element)) }
        + [("_conv_head", .module(convHead)), ("_bn1", .module(bnHead)), ("_fc", .module(classifier))]
    case .timm:
      return [("conv_stem", .module(convStem)), ("bn1", .module(bnStem)), ("blocks", .module(timmBlocks)),
              ("conv_head", .module(convHead)), ("bn2", .module(bnHead)), ("classifier", .module(classifier))]
    }
  }

  override func forward(_ x: Tensor) -> Tensor {
    var h = Self.convBNActivation(convStem, bnStem, x, activation, layout)
    switch layout {
    case .lukemelas: for block in stages.joined() { h = block(h) }
    case .timm: h = timmBlocks(h)
    }
    h = Self.convBNActivation(convHead, bnHead, h, activation, layout)
    return classifier(h.mean(alongAxes: [2, 3]))
  }

  /// `activation(bn(conv(x)))`; in the timm layout the batch norm's output is tapped after the
  /// activation, as timm's `BatchNormAct2d` returns it.
  static func convBNActivation(
    _ conv: Conv2d, _ bn: BatchNorm2d, _ x: Tensor, _ activation: Module, _ layout: EfficientNetLayout
  ) -> Tensor {
    if activation is ReLU { return convBN(conv, bn, x, relu: true) }
    let y = activation.forward(convBN(conv, bn, x, relu: false))
    return layout == .timm ? bn.output(y) : y
  }

  static func activationModule(_ activation: EfficientNetConfig.Activation) -> Module {
    switch activation {
    case .silu: return SiLU()
    case .relu6: return ReLU6()
    }
  }
}
