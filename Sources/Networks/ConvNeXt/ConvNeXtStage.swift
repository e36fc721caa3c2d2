import Autodiff

/// timm's `ConvNeXtStage`: an optional `downsample` (LayerNorm2d, then a 2x2 stride-2
/// convolution) and its `blocks`.
final class ConvNeXtStage: Module {
  let downsample: Sequential?
  let blocks: Sequential

  init(downsample: Sequential?, blocks: Sequential) {
    self.downsample = downsample
    self.blocks = blocks
  }

  override func forward(_ x: Tensor) -> Tensor {
    blocks(downsample.map { $0(x) } ?? x)
  }
}
