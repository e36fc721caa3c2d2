/// The two published key layouts of EfficientNet weights.
public enum EfficientNetLayout: Sendable {
  /// EfficientNet-PyTorch (lukemelas): `_conv_stem`, `_bn0`, `_blocks.N._expand_conv`, ...,
  /// `_conv_head`, `_bn1`, `_fc`; blocks numbered 0... across stages.
  case lukemelas
  /// timm: `conv_stem`, `bn1`, `blocks.S.I.conv_pw`, ..., `conv_head`, `bn2`, `classifier`;
  /// blocks numbered by stage and index.
  case timm

  /// The layout of a state dict: lukemelas when it has `_conv_stem.weight`.
  static func of(_ keys: some Sequence<String>) -> EfficientNetLayout {
    keys.contains("_conv_stem.weight") ? .lukemelas : .timm
  }
}
