import Autodiff

/// A timm / DINO / DINOv2 / DeiT Vision Transformer (pre-norm blocks, class token, optional
/// distillation token, register tokens and layer scales), with timm's module paths:
/// `patch_embed.proj`, `blocks.N.norm1`, `blocks.N.attn`, `norm`, `head` — or, for
/// ``Layout/dinov2``, facebookresearch/dinov2's (`register_tokens`, `mask_token`).
public final class VisionTransformer: Network, ImageClassifier {
  /// The classifier on top of the backbone.
  public enum Head: Equatable, Sendable {
    /// No classifier: logits are the normalised class-token features.
    case none
    /// timm's `head` Linear on the final normalised class token; for a distilled (DeiT) model
    /// the mean of `head` on the class token and `head_dist` on the distillation token, as
    /// timm's `VisionTransformerDistilled` predicts in eval.
    case token(classes: Int)
    /// DINO's linear evaluation head (`linear.weight`): the class tokens of the last `blocks`
    /// blocks, each passed through the final norm, concatenated (plus the mean patch token when
    /// `averagePatches`, interleaved as DINO does).
    case dinoLinear(classes: Int, blocks: Int, averagePatches: Bool)
    /// DINOv2's published ImageNet linear head (`linear_head`, dinov2's
    /// `_LinearClassifierWrapper`): the normalised class tokens of the last `blocks` blocks (1 or
    /// 4) and the mean of the last block's normalised patch tokens (registers excluded),
    /// concatenated plainly: `(1 + blocks) * D` inputs.
    case dinov2Linear(classes: Int, blocks: Int)
  }

  /// Whose parameter names the checkpoint uses (the computation is the same).
  public enum Layout: String, Equatable, Sendable {
    /// timm's (`reg_token`; register models keep positions for patches only).
    case timm
    /// facebookresearch/dinov2's (`register_tokens`, inserted after the class token once the
    /// positions are added; `pos_embed` covers the class token; `mask_token`).
    case dinov2
  }

  /// How `pos_embed` is resampled for another patch grid.
  public enum PositionInterpolation: Equatable, Sendable {
    /// Bicubic to the grid size with antialias (timm's `resample_abs_pos_embed`; DINOv2's
    /// register models: `interpolate_offset` 0, `interpolate_antialias` on).
    case antialiased
    /// DINOv2's plain models (`interpolate_offset` 0.1, no antialias): bicubic with PyTorch's
    /// `scale_factor = (grid + offset) / stored`, which also sets the sampling positions.
    case offset(Double)
  }

  /// Sizes of the transformer.
  public struct Config: Equatable, Sendable {
    public var patch: Int, dim: Int, depth: Int, heads: Int
    public var mlpRatio = 4
    public var registers = 0
    /// DeiT's distillation token (`dist_token`, classifier `head_dist`).
    public var distilled = false
    /// DINOv2's layer scales (`blocks.N.ls1.gamma`, `ls2.gamma`).
    public var layerScale = false
    public var layout = Layout.timm
    public var imageSize = 224
    /// The side of the patch grid `pos_embed` was trained for (nil: `imageSize / patch`).
    public var positionGrid: Int?
    public var interpolation = PositionInterpolation.antialiased
    public var epsilon = 1e-6
    public var head: Head = .token(classes: 1000)
    /// The preprocessing profile of the training data (see ``InputSpec/profile``).
    public var profile = "imagenet"

    /// Creates a configuration.
    public init(patch: Int, dim: Int, depth: Int, heads: Int, registers: Int = 0, imageSize: Int = 224, head: Head = .token(classes: 1000)) {
      self.patch = patch
      self.dim = dim
      self.depth = depth
      self.heads = heads
      self.registers = registers
      self.imageSize = imageSize
      self.head = head
    }

    /// Standard sizes by timm name: `vit_tiny/small/base_patch{8,16}` (`_reg4` suffix for
    /// registers), DINOv2's `vit_small/base/large_patch14_dinov2` and `..._patch14_reg4_dinov2`,
    /// DeiT's `deit_tiny/small/base_patch16_224` and `deit_tiny/small/base_distilled_patch16_224`.
    public static func named(_ name: String, head: Head = .token(classes: 1000)) -> Config? {
      if name == "vit_demo" { return demo(head: head) }
      if let config = dinov2(name, head: head) ?? deit(name, head: head) { return config }
      let sizes: [String: (Int, Int)] = ["tiny": (192, 3), "small": (384, 6), "base": (768, 12)]
      let parts = name.split(separator: "_")
      guard parts.count >= 3, parts[0] == "vit", let (dim, heads) = sizes[String(parts[1])],
        parts[2].hasPrefix("patch"), let p = Int(parts[2].dropFirst(5)), p == 8 || p == 16
      else { return nil }
      let registers = parts.count > 3 && parts[3].hasPrefix("reg") ? Int(parts[3].dropFirst(3)) ?? 0 : 0
      return Config(patch: p, dim: dim, depth: 12, heads: heads, registers: registers, head: head)
    }

    /// DINOv2 (`vit_{small,base,large}_patch14[_reg4]_dinov2`): patch 14, layer scales,
    /// positions for 518 px (37x37), input 224 and preprocessing (`dinov2`) of its linear
    /// evaluation, positions resampled as DINOv2's hub models do (offset 0.1 without
    /// registers, antialias with them). The
    /// layout is timm's; ``Architectures`` switches to ``Layout/dinov2`` from a checkpoint's keys.
    static func dinov2(_ name: String, head: Head) -> Config? {
      let sizes: [String: (Int, Int, Int)] = ["small": (384, 12, 6), "base": (768, 12, 12), "large": (1024, 24, 16)]
      let parts = name.split(separator: "_")
      guard name.hasSuffix("_dinov2"), parts.count == 4 || parts.count == 5, parts[0] == "vit",
        let (dim, depth, heads) = sizes[String(parts[1])], parts[2] == "patch14", parts.count == 4 || parts[3] == "reg4"
      else { return nil }
      var config = Config(patch: 14, dim: dim, depth: depth, heads: heads, registers: parts.count == 5 ? 4 : 0, head: head)
      config.layerScale = true
      config.positionGrid = 37
      config.interpolation = config.registers > 0 ? .antialiased : .offset(0.1)
      config.profile = "dinov2"
      return config
    }

    /// DeiT (`deit_{tiny,small,base}[_distilled]_patch16_224`): timm's ViT sizes at patch 16;
    /// the distilled models add `dist_token` and `head_dist`, positions covering both tokens;
    /// the authors' evaluation preprocessing (`deit`).
    static func deit(_ name: String, head: Head) -> Config? {
      let sizes: [String: (Int, Int)] = ["tiny": (192, 3), "small": (384, 6), "base": (768, 12)]
      let parts = name.split(separator: "_")
      guard parts.first == "deit", name.hasSuffix("_patch16_224"), parts.count == 4 || parts.count == 5,
        let (dim, heads) = sizes[String(parts[1])], parts.count == 4 || parts[2] == "distilled"
      else { return nil }
      var config = Config(patch: 16, dim: dim, depth: 12, heads: heads, head: head)
      config.distilled = parts.count == 5
      config.profile = "deit"
      return config
    }

    /// `vit_demo`: the small ViT of the bundled `demo-vit` model (64x64 input, 8x8 patches,
    /// width 64, 4 blocks of 4 heads, MLP ratio 4, `demo` preprocessing). Its classifier reads
    /// the final class token and the mean patch token (`linear`, as DINO's linear head): the
    /// mean gives every patch a direct path to the loss, which lets this small ViT learn from a
    /// few thousand images in minutes.
    public static func demo(head: Head = .dinoLinear(classes: 6, blocks: 1, averagePatches: true)) -> Config {
      var config = Config(patch: 8, dim: 64, depth: 4, heads: 4, imageSize: 64, head: head)
      config.profile = "demo"
      return config
    }
  }

  public let architecture: String
  public let config: Config
  public let defaultCAMLayer = "blocks.-1.norm1"
  public var input: InputSpec { InputSpec(height: config.imageSize, width: config.imageSize, profile: config.profile) }
  public var classCount: Int {
    switch config.head {
    case .none: return config.dim
    case .token(let c), .dinoLinear(let c, _, _), .dinov2Linear(let c, _): return c
    }
  }

  /// Number of tokens before the patch tokens (class token, distillation token, registers), in
  /// that order.
  public var prefixTokenCount: Int { 1 + (config.distilled ? 1 : 0) + config.registers }
  /// How many leading prefix tokens `pos_embed` covers: all (timm), none (timm `no_embed_class`,
  /// register models) or the class token only (DINOv2's layout with registers).
  let positionPrefix: Int
  /// The side of the stored position grid.
  let positionGrid: Int
  let patchEmbed: PatchEmbed
  let clsToken: Weight
  /// DeiT's distillation token.
  let distToken: Weight?
  /// Registers, timm's name.
  let regToken: Weight?
  /// Registers, DINOv2's name.
  let registerTokens: Weight?
  /// DINOv2's token for masked patches (training only; kept so its checkpoints load strictly).
  let maskToken: Weight?
  let posEmbed: Weight
  let posDrop = Dropout()
  let blocks: [TransformerBlock]
  let norm: LayerNorm
  /// timm's classifier (``Head/token(classes:)``).
  let head: Linear?
  /// DeiT's classifier on the distillation token.
  let headDist: Linear?
  /// DINO's linear-evaluation classifier (``Head/dinoLinear(classes:blocks:averagePatches:)``).
  let linear: Linear?
  /// DINOv2's linear-evaluation classifier (``Head/dinov2Linear(classes:blocks:)``).
  let linearHead: Linear?

  /// Builds a ViT named `architecture` with weights from `source`.
  public init(_ architecture: String, config: Config, weights source: WeightSource) throws {
    self.architecture = architecture
    self.config = config
    let d = config.dim
    let prefixCount = 1 + (config.distilled ? 1 : 0) + config.registers
    patchEmbed = PatchEmbed(patch: config.patch, dim: d)
    clsToken = Weight([1, 1, d])
    distToken = config.distilled ? Weight([1, 1, d]) : nil
    let dinov2 = config.layout == .dinov2
    regToken = config.registers > 0 && !dinov2 ? Weight([1, config.registers, d]) : nil
    registerTokens = config.registers > 0 && dinov2 ? Weight([1, config.registers, d]) : nil
    maskToken = dinov2 ? Weight([1, d]) : nil
    // Which prefix tokens have positions: timm register models none, DINOv2 the class token,
    // others all. A checkpoint's `pos_embed` tells (its patch part is a square grid).
    var covered = dinov2 ? 1 : config.registers > 0 ? 0 : prefixCount
    var grid = config.positionGrid ?? config.imageSize / config.patch
    if case .stateDict(let sd) = source.mode, let pe = sd["pos_embed"], pe.rank == 3 {
      let tokens = pe.shape[1]
      guard let k = [covered, 0, 1, prefixCount].first(where: { tokens >= $0 && isSquare(tokens - $0) }) else {
        throw NetworkError.invalidInput(
          "pos_embed has \(tokens) tokens: not \(prefixCount) or fewer prefix tokens and a square patch grid")
      }
      covered = k
      grid = Int(Double(tokens - k).squareRoot().rounded())
    }
    positionPrefix = covered
    positionGrid = grid
    posEmbed = Weight([1, covered + grid * grid, d])
    var layerScale = config.layerScale
    if case .stateDict(let sd) = source.mode { layerScale = sd["blocks.0.ls1.gamma"] != nil }
    blocks = (0..<config.depth).map { _ in
      TransformerBlock(dim: d, heads: config.heads, mlpRatio: config.mlpRatio, epsilon: config.epsilon, layerScale: layerScale)
    }
    norm = LayerNorm(d, epsilon: config.epsilon)
    var (head, headDist, linear, linearHead): (Linear?, Linear?, Linear?, Linear?) = (nil, nil, nil, nil)
    switch config.head {
    case .none:
      break
    case .token(let c):
      head = Linear(d, c)
      headDist = config.distilled ? Linear(d, c) : nil
    case .dinoLinear(let c, let n, let avg):
      linear = Linear(d * (n + (avg ? 1 : 0)), c)
    case .dinov2Linear(let c, let n):
      linearHead = Linear(d * (1 + n), c)
    }
    (self.head, self.headDist, self.linear, self.linearHead) = (head, headDist, linear, linearHead)
    super.init()
    try build(weights: source)
  }

  /// The patch grid for an input of this size.
  public func tokenGrid(height: Int, width: Int) -> (rows: Int, columns: Int) {
    (height / config.patch, width / config.patch)
  }

  override func forward(_ x: Tensor) -> Tensor {
    let n = x.shape[0]
    let (gh, gw) = tokenGrid(height: x.shape[2], width: x.shape[3])
    let patches = patchEmbed(x)
    var prefix = [clsToken.value.broadcast(to: [n, 1, config.dim])]
    if let distToken { prefix.append(distToken.value.broadcast(to: [n, 1, config.dim])) }
    if let registers = regToken ?? registerTokens { prefix.append(registers.value.broadcast(to: [n, config.registers, config.dim])) }
    let prefixTokens = concatTokens(prefix)
    let positions = positionEmbedding(rows: gh, columns: gw)
    // Positions are added to the covered prefix tokens and the patches; the other prefix tokens
    // go in after the covered ones (DINOv2 inserts its registers after the class token).
    let k = positionPrefix
    var h: Tensor
    if k == 0 {
      h = concatTokens([prefixTokens, patches + positions])
    } else if k == prefixTokenCount {
      h = concatTokens([prefixTokens, patches]) + positions
    } else {
      let withPositions = concatTokens([prefixTokens.tokenRange(0..<k), patches]) + positions
      h = concatTokens([withPositions.tokenRange(0..<k), prefixTokens.tokens(from: k), withPositions.tokens(from: k)])
    }
    h = posDrop(h)
    var outputs: [Tensor] = []
    for block in blocks {
      h = block(h)
      outputs.append(h)
    }
    switch config.head {
    case .none:
      return norm(h).token(0)
    case .token:
      let normed = norm(h)
      let logits = head!(normed.token(0))
      guard let headDist else { return logits }
      return (logits + headDist(normed.token(1))) * 0.5
    case .dinoLinear(_, let count, let avg):
      let last = outputs.suffix(count).map { norm($0) }
      var features = concatFeatures(last.map { $0.token(0) })
      if avg {
        let patches = last.last!.tokens(from: prefixTokenCount).mean(alongAxes: [1])
        features = interleave(features, patches)
      }
      return linear!(features)
    case .dinov2Linear(_, let count):
      let last = outputs.suffix(count).map { norm($0) }
      let patches = last.last!.tokens(from: prefixTokenCount).mean(alongAxes: [1])
      return linearHead!(concatFeatures(last.map { $0.token(0) } + [patches]))
    }
  }

  /// `pos_embed` for a grid of this size: as stored at the training size, else the patch part
  /// resampled bicubically as ``Config/interpolation`` says and the prefix kept.
  func positionEmbedding(rows: Int, columns: Int) -> Tensor {
    let pe = posEmbed.value
    let stored = positionGrid
    if rows == stored && columns == stored { return pe }
    let d = config.dim
    let grid = pe.tokens(from: positionPrefix).reshaped([1, stored, stored, d]).permuted([0, 3, 1, 2])
    let resized: Tensor
    switch config.interpolation {
    case .antialiased:
      resized = resizeBicubicAntialiased(grid, rows: rows, columns: columns)
    case .offset(let offset):
      let scales = ((Double(rows) + offset) / Double(stored), (Double(columns) + offset) / Double(stored))
      resized = resize(grid, to: (rows, columns), method: .bicubic, antialias: false, scaleFactors: scales)
    }
    let flat = resized.permuted([0, 2, 3, 1]).reshaped([1, rows * columns, d])
    return positionPrefix == 0 ? flat : concatTokens([pe.tokenRange(0..<positionPrefix), flat])
  }
}

private func isSquare(_ n: Int) -> Bool {
  let r = Int(Double(n).squareRoot().rounded())
  return n > 0 && r * r == n
}
