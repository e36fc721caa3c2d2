/// A Swin Transformer's sizes (torchvision's `SwinTransformer` arguments, timm's
/// `embed_dim`, `depths`, `num_heads`, `window_size`).
public struct SwinConfig: Equatable, Sendable {
  /// Channels of the first stage (doubled by each patch merging).
  public var embedDim: Int
  /// Blocks in each stage.
  public var depths: [Int]
  /// Attention heads in each stage.
  public var heads: [Int]
  /// Side of the square attention windows.
  public var window = 7
  /// Side of the square patches of the embedding.
  public var patch = 4

  /// Creates a configuration.
  public init(embedDim: Int, depths: [Int], heads: [Int], window: Int = 7) {
    precondition(depths.count == heads.count && !depths.isEmpty, "SwinConfig: one head count per stage")
    self.embedDim = embedDim
    self.depths = depths
    self.heads = heads
    self.window = window
  }

  /// Channels of stage `i`.
  public func dim(_ i: Int) -> Int { embedDim << i }

  /// `swin_t`, `swin_s`, `swin_b` (torchvision's names; timm's `swin_tiny/small/base_patch4_window7_224`).
  public static func named(_ name: String) -> SwinConfig? {
    switch name {
    case "swin_t": return SwinConfig(embedDim: 96, depths: [2, 2, 6, 2], heads: [3, 6, 12, 24])
    case "swin_s": return SwinConfig(embedDim: 96, depths: [2, 2, 18, 2], heads: [3, 6, 12, 24])
    case "swin_b": return SwinConfig(embedDim: 128, depths: [2, 2, 18, 2], heads: [4, 8, 16, 32])
    default: return nil
    }
  }

  /// Every name ``named(_:)`` knows.
  public static let names = ["swin_t", "swin_s", "swin_b"]
}
