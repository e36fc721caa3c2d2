import Autodiff

/// A timm / DINO Vision Transformer (pre-norm blocks, class token, optional register tokens),
/// with timm's module paths: `patch_embed.proj`, `blocks.N.norm1`, `blocks.N.attn`, `norm`, `head`.
public final class VisionTransformer: Network, ImageClassifier {
  /// The classifier on top of the backbone.
  public enum Head: Equatable, Sendable {
    /// No classifier: logits are the normalised class-token features.
    case none
    /// timm's `head` Linear on the final normalised class token.
    case token(classes: Int)
    /// DINO's linear evaluation head (`linear.weight`): the class tokens of the last `blocks`
    /// blocks, each passed through the final norm, concatenated (plus the mean patch token when
    /// `averagePatches`, interleaved as DINO does).
    case dinoLinear(classes: Int, blocks: Int, averagePatches: Bool)
  }

  /// Sizes of the transformer.
  public struct Config: Equatable, Sendable {
    public var patch: Int, dim: Int, depth: Int, heads: Int
    public var mlpRatio = 4
    public var registers = 0
    public var imageSize = 224
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

    /// Standard sizes by timm name stem: `vit_tiny/small/base_patch{8,16}`, `_reg4` suffix for registers.
    public static func named(_ name: String, head: Head = .token(classes: 1000)) -> Config? {
      if name == "vit_demo" { return demo(head: head) }
      let sizes: [String: (Int, Int)] = ["tiny": (192, 3), "small": (384, 6), "base": (768, 12)]
      let parts = name.split(separator: "_")
      guard parts.count >= 3, parts[0] == "vit", let (dim, heads) = sizes[String(parts[1])],
        parts[2].hasPrefix("patch"), let p = Int(parts[2].dropFirst(5)), p == 8 || p == 16
      else { return nil }
      let registers = parts.count > 3 && parts[3].hasPrefix("reg") ? Int(parts[3].dropFirst(3)) ?? 0 : 0
      return Config(patch: p, dim: dim, depth: 12, heads: heads, registers: registers, head: head)
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
    case .token(let c), .dinoLinear(let c, _, _): return c
    }
  }

  /// Number of tokens before the patch tokens (class token and registers).
  public var prefixTokenCount: Int { 1 + config.registers }
  /// Whether `pos_embed` covers only patch tokens (timm `no_embed_class`, register models).
  let positionsExcludePrefix: Bool
  let patchEmbed: PatchEmbed
  let clsToken: Weight
  let regToken: Weight?
  let posEmbed: Weight
  let posDrop = Dropout()
  let blocks: [TransformerBlock]
  let norm: LayerNorm
  /// timm's classifier (``Head/token(classes:)``).
  let head: Linear?
  /// DINO's linear-evaluation classifier (``Head/dinoLinear(classes:blocks:averagePatches:)``).
  let linear: Linear?

  /// Builds a ViT named `architecture` with weights from `source`.
  public init(_ architecture: String, config: Config, weights source: WeightSource) throws {
    self.architecture = architecture
    self.config = config
    let d = config.dim
    let grid = config.imageSize / config.patch
    patchEmbed = PatchEmbed(patch: config.patch, dim: d)
    clsToken = Weight([1, 1, d])
    regToken = config.registers > 0 ? Weight([1, config.registers, d]) : nil
    // timm register models keep positions for patches only; others include the prefix tokens.
    var layerScale = false
    var posTokens = grid * grid + (config.registers > 0 ? 0 : 1)
    if case .stateDict(let sd) = source.mode {
      if let pe = sd["pos_embed"], pe.rank == 3 { posTokens = pe.shape[1] }
      layerScale = sd["blocks.0.ls1.gamma"] != nil
    }
    positionsExcludePrefix = posTokens == grid * grid
    posEmbed = Weight([1, posTokens, d])
    blocks = (0..<config.depth).map { _ in
      TransformerBlock(dim: d, heads: config.heads, mlpRatio: config.mlpRatio, epsilon: config.epsilon, layerScale: layerScale)
    }
    norm = LayerNorm(d, epsilon: config.epsilon)
    switch config.head {
    case .none:
      head = nil
      linear = nil
    case .token(let c):
      head = Linear(d, c)
      linear = nil
    case .dinoLinear(let c, let n, let avg):
      head = nil
      linear = Linear(d * (n + (avg ? 1 : 0)), c)
    }
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
    var h = patchEmbed(x)
    var prefix = [clsToken.value.broadcast(to: [n, 1, config.dim])]
    if let regToken { prefix.append(regToken.value.broadcast(to: [n, config.registers, config.dim])) }
    let positions = positionEmbedding(rows: gh, columns: gw)
    h = posDrop(positionsExcludePrefix ? concatTokens(prefix + [h + positions]) : concatTokens(prefix + [h]) + positions)
    var outputs: [Tensor] = []
    for block in blocks {
      h = block(h)
      outputs.append(h)
    }
    switch config.head {
    case .none:
      return norm(h).token(0)
    case .token:
      return head!(norm(h).token(0))
    case .dinoLinear(_, let count, let avg):
      let last = outputs.suffix(count).map { norm($0) }
      var features = concatFeatures(last.map { $0.token(0) })
      if avg {
        let patches = last.last!.tokens(from: prefixTokenCount).mean(alongAxes: [1])
        features = interleave(features, patches)
      }
      return linear!(features)
    }
  }

  /// `pos_embed` for a grid of this size: as stored at the training size, else the patch part
  /// resampled bicubically (timm's `resample_abs_pos_embed`, antialias on) and the prefix kept.
  func positionEmbedding(rows: Int, columns: Int) -> Tensor {
    let pe = posEmbed.value
    let stored = config.imageSize / config.patch
    let prefix = positionsExcludePrefix ? 0 : 1
    if rows == stored && columns == stored { return pe }
    let d = config.dim
    let grid = pe.tokens(from: prefix).reshaped([1, stored, stored, d]).permuted([0, 3, 1, 2])
    let resized = resizeBicubicAntialiased(grid, rows: rows, columns: columns)
      .permuted([0, 2, 3, 1]).reshaped([1, rows * columns, d])
    return prefix == 0 ? resized : concatTokens([pe.tokenRange(0..<prefix), resized])
  }
}
