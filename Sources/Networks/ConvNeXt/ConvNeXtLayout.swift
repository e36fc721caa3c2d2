/// The two key layouts of ConvNeXt checkpoints.
///
/// torchvision: `features.0.0` (stem conv), `features.0.1` (its LayerNorm2d), stages at
/// `features.1, 3, 5, 7` (blocks `features.1.0.block.0`...`block.5`, `layer_scale [C, 1, 1]`),
/// downsampling at `features.2, 4, 6` (`.0` LayerNorm2d, `.1` conv), `classifier.0` (norm),
/// `classifier.2` (linear). timm: `stem.0`, `stem.1`, `stages.N.downsample.0/.1`,
/// `stages.N.blocks.M.conv_dw`, `.norm`, `.mlp.fc1`, `.mlp.fc2`, `.gamma [C]`, `head.norm`,
/// `head.fc`.
public enum ConvNeXtLayout: Sendable {
  case torchvision, timm

  /// The layout of a checkpoint's keys (timm's when it has a `stem.0.weight`).
  public static func of<S: Sequence>(_ keys: S) -> ConvNeXtLayout where S.Element == String {
    keys.contains("stem.0.weight") ? .timm : .torchvision
  }
}
