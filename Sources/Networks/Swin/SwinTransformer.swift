import Autodiff

/// Swin Transformer (V1) T/S/B (torchvision's `SwinTransformer`, timm's `SwinTransformer`) in
/// either key layout (``SwinLayout``): patch embedding, stages of ``SwinBlock``s with
/// ``PatchMerging`` between them, a final LayerNorm, global average pooling and a linear
/// classifier. Maps stay channels-last `[B, H, W, C]` from the embedding to the final norm.
///
/// Module paths are the layout's: torchvision `features.0`...`features.7`, `norm`, `permute`,
/// `avgpool`, `flatten`, `head`; timm `patch_embed`, `layers.0`...`layers.3`, `norm`,
/// `head.fc`. The default CAM layer is `norm`, the last stage's normalised output (768 x 7 x 7
/// for Swin-T at 224), read channels-last (pytorch-grad-cam's Swin reshape transform permutes
/// it to `[B, C, H, W]`).
public final class SwinTransformer: Network, ImageClassifier, ChannelsLastLayers {
  public let architecture: String
  public let classCount: Int
  /// 224 x 224 with torchvision's evaluation transform of the model's IMAGENET1K_V1 weights
  /// (the profile named after it, e.g. `swin_t`); ImageNet's for a custom configuration.
  public var input: InputSpec { InputSpec(height: 224, width: 224, profile: Architectures.profile(of: architecture) ?? "imagenet") }
  public let defaultCAMLayer = "norm"
  public let config: SwinConfig
  let layout: SwinLayout

  let patchEmbed: SwinPatchEmbed
  /// Per stage: the patch merging before it (none before the first) and its blocks.
  let mergings: [PatchMerging?]
  let stageBlocks: [Sequential]
  let norm: LayerNorm
  let fc: Linear
  /// The layouts' containers of the modules above.
  let features: Sequential
  let permute = Permute([0, 3, 1, 2])
  let avgpool = AdaptiveAvgPool2d()
  let flatten = Flatten()
  let layers: [SwinStage]
  let head: SwinHead

  /// Builds `architecture` with `config` (default: the sizes of ``SwinConfig/named(_:)``) and
  /// weights from `source`, named as `layout` names them.
  public init(
    _ architecture: String, config: SwinConfig? = nil, layout: SwinLayout, classCount: Int = 1000, weights source: WeightSource
  ) throws {
    guard let config = config ?? SwinConfig.named(architecture) else {
      throw NetworkError.unknownArchitecture(architecture, known: SwinConfig.names)
    }
    self.architecture = architecture
    self.classCount = classCount
    self.config = config
    self.layout = layout
    let stages = config.depths.indices
    patchEmbed = SwinPatchEmbed(patch: config.patch, dim: config.embedDim, layout: layout)
    mergings = stages.map { $0 == 0 ? nil : PatchMerging(dim: config.dim($0 - 1)) }
    stageBlocks = stages.map { i in
      Sequential((0..<config.depths[i]).map { j in
        SwinBlock(dim: config.dim(i), heads: config.heads[i], window: config.window,
                  shift: j % 2 == 0 ? 0 : config.window / 2, layout: layout)
      })
    }
    let width = config.dim(stages.count - 1)
    norm = LayerNorm(width, epsilon: 1e-5)
    fc = Linear(width, classCount)
    var featureList: [Module] = [patchEmbed]
    for (merging, blocks) in zip(mergings, stageBlocks) {
      if let merging { featureList.append(merging) }
      featureList.append(blocks)
    }
    features = Sequential(featureList)
    layers = zip(mergings, stageBlocks).map { SwinStage(downsample: $0, blocks: $1) }
    head = SwinHead(fc: fc)
    super.init()
    try build(weights: source)
  }

  override func members() -> [(name: String, member: Member)] {
    switch layout {
    case .torchvision:
      return [("features", .module(features)), ("norm", .module(norm)), ("permute", .module(permute)),
              ("avgpool", .module(avgpool)), ("flatten", .module(flatten)), ("head", .module(fc))]
    case .timm:
      return [("patch_embed", .module(patchEmbed))] + layers.enumerated().map { ("layers.\($0.offset)", .module($0.element)) }
        + [("norm", .module(norm)), ("head", .module(head))]
    }
  }

  /// Every rank-4 output is channels-last but the patch convolution's and, in torchvision's
  /// layout, those after `permute`.
  public func outputsChannelsLast(_ path: String) -> Bool {
    !["features.0.0", "patch_embed.proj", "permute", "avgpool"].contains(path)
  }

  override func forward(_ x: Tensor) -> Tensor {
    switch layout {
    case .torchvision:
      return fc(flatten(avgpool(permute(norm(features(x))))))
    case .timm:
      var h = patchEmbed(x)
      for stage in layers { h = stage(h) }
      return head(norm(h))
    }
  }
}
