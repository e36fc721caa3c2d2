import Autodiff

/// timm's `PatchEmbed`: a `patch x patch` convolution with stride `patch`, its map flattened to
/// tokens `[N, gh * gw, D]`.
final class PatchEmbed: Module {
  let proj: Conv2d

  init(patch: Int, dim: Int) {
    proj = Conv2d(3, dim, kernel: patch, stride: patch)
  }

  override func forward(_ x: Tensor) -> Tensor {
    // [N, D, gh, gw] -> [N, gh*gw, D]
    proj(x).flattened(from: 2).transposed(1, 2)
  }
}
