/// A classifier some of whose layers output channels-last maps `[B, H, W, C]` (Swin), which CAM
/// methods permute to `[B, C, H, W]` (pytorch-grad-cam's reshape transform for Swin).
public protocol ChannelsLastLayers {
  /// Whether the rank-4 output of module `path` is `[B, H, W, C]`.
  func outputsChannelsLast(_ path: String) -> Bool
}
