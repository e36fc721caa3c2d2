/// A ConvNeXt's stages: blocks per stage and channels per stage (torchvision's `CNBlockConfig`
/// list, timm's `depths` and `dims`).
public struct ConvNeXtConfig: Equatable, Sendable {
  /// Blocks in each stage.
  public var depths: [Int]
  /// Channels of each stage.
  public var dims: [Int]

  /// Creates a configuration (any number of stages, one width per stage).
  public init(depths: [Int], dims: [Int]) {
    precondition(depths.count == dims.count && !depths.isEmpty, "ConvNeXtConfig: one width per stage")
    self.depths = depths
    self.dims = dims
  }

  /// `convnext_tiny`, `convnext_small`, `convnext_base` (torchvision's and timm's sizes).
  public static func named(_ name: String) -> ConvNeXtConfig? {
    switch name {
    case "convnext_tiny": return ConvNeXtConfig(depths: [3, 3, 9, 3], dims: [96, 192, 384, 768])
    case "convnext_small": return ConvNeXtConfig(depths: [3, 3, 27, 3], dims: [96, 192, 384, 768])
    case "convnext_base": return ConvNeXtConfig(depths: [3, 3, 27, 3], dims: [128, 256, 512, 1024])
    default: return nil
    }
  }

  /// Every name ``named(_:)`` knows.
  public static let names = ["convnext_tiny", "convnext_small", "convnext_base"]
}
