import Autodiff

/// timm's `SwinTransformerStage` (`layers.N`): an optional `downsample` (patch merging, before
/// every stage but the first) and its `blocks`.
final class SwinStage: Module {
  let downsample: PatchMerging?
  let blocks: Sequential

  init(downsample: PatchMerging?, blocks: Sequential) {
    self.downsample = downsample
    self.blocks = blocks
  }

  override func forward(_ x: Tensor) -> Tensor {
    blocks(downsample.map { $0(x) } ?? x)
  }
}
