import Autodiff

/// Swin's patch embedding: a `patch x patch` stride-`patch` convolution, its output as
/// channels-last `[B, H/patch, W/patch, C]`, and a LayerNorm. timm names it `patch_embed`
/// (`proj`, `norm`); torchvision's `features.0` is the same as a sequence (`0` conv,
/// `1` Permute, `2` LayerNorm).
final class SwinPatchEmbed: Module {
  let layout: SwinLayout
  let proj: Conv2d
  let norm: LayerNorm
  let sequence: Sequential

  init(patch: Int, dim: Int, layout: SwinLayout) {
    self.layout = layout
    proj = Conv2d(3, dim, kernel: patch, stride: patch)
    norm = LayerNorm(dim, epsilon: 1e-5)
    sequence = Sequential([proj, Permute([0, 2, 3, 1]), norm])
  }

  override func members() -> [(name: String, member: Member)] {
    switch layout {
    case .torchvision: return sequence.members()
    case .timm: return [("proj", .module(proj)), ("norm", .module(norm))]
    }
  }

  override func forward(_ x: Tensor) -> Tensor {
    switch layout {
    case .torchvision: return sequence(x)
    case .timm: return norm(proj(x).permuted([0, 2, 3, 1]))
    }
  }
}
