/// The two key layouts of Swin Transformer checkpoints.
///
/// torchvision: `features.0.0` (patch conv), `features.0.2` (its LayerNorm), stages at
/// `features.1, 3, 5, 7` (blocks `features.1.0.norm1`, `.attn.qkv`,
/// `.attn.relative_position_bias_table`, `.mlp.0`, `.mlp.3`), patch merging at
/// `features.2, 4, 6` (`norm`, `reduction`), `norm`, `head`. timm: `patch_embed.proj`,
/// `patch_embed.norm`, `layers.N.downsample` (patch merging before stages 1...),
/// `layers.N.blocks.M` (`mlp.fc1`, `mlp.fc2`), `norm`, `head.fc`.
public enum SwinLayout: Sendable {
  case torchvision, timm

  /// The layout of a checkpoint's keys (timm's when it has a `patch_embed.proj.weight`).
  public static func of<S: Sequence>(_ keys: S) -> SwinLayout where S.Element == String {
    keys.contains("patch_embed.proj.weight") ? .timm : .torchvision
  }
}
