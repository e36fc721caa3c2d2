import Autodiff

/// ConvNeXt-T/S/B (torchvision's `ConvNeXt`, timm's `ConvNeXt`) in either key layout
/// (``ConvNeXtLayout``): a 4x4 stride-4 stem convolution and LayerNorm2d, four stages of
/// ``ConvNeXtBlock``s with LayerNorm2d and a 2x2 stride-2 convolution between them, global
/// average pooling, LayerNorm2d and a linear classifier. LayerNorm epsilon 1e-6 throughout.
///
/// Module paths are the layout's: torchvision `features.0`...`features.7`, `avgpool`,
/// `classifier.0`, `classifier.2`; timm `stem`, `stages.0`...`stages.3`, `head.norm`,
/// `head.fc`. The default CAM layer is the last stage's output (`features.7` / `stages.3`:
/// 768 channels at 1/32 of the input for ConvNeXt-T).
public final class ConvNeXt: Network, ImageClassifier {
  public let architecture: String
  public let classCount: Int
  /// 224 x 224 with torchvision's evaluation transform of the model's IMAGENET1K_V1 weights
  /// (the profile named after it, e.g. `convnext_tiny`); ImageNet's for a custom configuration.
  public var input: InputSpec { InputSpec(height: 224, width: 224, profile: Architectures.profile(of: architecture) ?? "imagenet") }
  public let defaultCAMLayer: String
  public let config: ConvNeXtConfig
  let layout: ConvNeXtLayout

  /// `features.0` / `stem`: the stem convolution and its norm.
  let stem: Sequential
  /// Per stage: the downsampling before it (none before the first) and its blocks.
  let downsamples: [Sequential?]
  let stageBlocks: [Sequential]
  let headNorm: LayerNorm2d
  let fc: Linear
  /// The layout's containers of the modules above.
  let features: Sequential
  let avgpool = AdaptiveAvgPool2d()
  let classifier: Sequential
  let stages: [ConvNeXtStage]
  let head: ConvNeXtHead

  /// Builds `architecture` with `config` (default: the sizes of ``ConvNeXtConfig/named(_:)``)
  /// and weights from `source`, named as `layout` names them.
  public init(
    _ architecture: String, config: ConvNeXtConfig? = nil, layout: ConvNeXtLayout, classCount: Int = 1000,
    weights source: WeightSource
  ) throws {
    guard let config = config ?? ConvNeXtConfig.named(architecture) else {
      throw NetworkError.unknownArchitecture(architecture, known: ConvNeXtConfig.names)
    }
    self.architecture = architecture
    self.classCount = classCount
    self.config = config
    self.layout = layout
    defaultCAMLayer = layout == .torchvision ? "features.\(2 * config.dims.count - 1)" : "stages.\(config.dims.count - 1)"
    let dims = config.dims
    stem = Sequential([Conv2d(3, dims[0], kernel: 4, stride: 4), LayerNorm2d(dims[0], epsilon: 1e-6)])
    downsamples = dims.indices.map { i in
      i == 0 ? nil : Sequential([LayerNorm2d(dims[i - 1], epsilon: 1e-6), Conv2d(dims[i - 1], dims[i], kernel: 2, stride: 2)])
    }
    stageBlocks = zip(config.depths, dims).map { depth, dim in
      Sequential((0..<depth).map { _ in ConvNeXtBlock(dim, layout: layout) })
    }
    headNorm = LayerNorm2d(dims.last!, epsilon: 1e-6)
    fc = Linear(dims.last!, classCount)
    var featureList: [Module] = [stem]
    for (downsample, blocks) in zip(downsamples, stageBlocks) {
      if let downsample { featureList.append(downsample) }
      featureList.append(blocks)
    }
    features = Sequential(featureList)
    classifier = Sequential([headNorm, Flatten(), fc])
    stages = zip(downsamples, stageBlocks).map { ConvNeXtStage(downsample: $0, blocks: $1) }
    head = ConvNeXtHead(norm: headNorm, fc: fc)
    super.init()
    try build(weights: source)
  }

  override func members() -> [(name: String, member: Member)] {
    switch layout {
    case .torchvision:
      return [("features", .module(features)), ("avgpool", .module(avgpool)), ("classifier", .module(classifier))]
    case .timm:
      return [("stem", .module(stem))] + stages.enumerated().map { ("stages.\($0.offset)", .module($0.element)) }
        + [("head", .module(head))]
    }
  }

  override func forward(_ x: Tensor) -> Tensor {
    switch layout {
    case .torchvision:
      return classifier(avgpool(features(x)))
    case .timm:
      var h = stem(x)
      for stage in stages { h = stage(h) }
      return head(h)
    }
  }
}
