import Autodiff

/// Swin's patch merging on `[B, H, W, C]`: odd sizes padded by one zero row or column, each 2x2
/// neighbourhood concatenated to `4C` channels in torchvision's order (`x[0::2, 0::2]`,
/// `x[1::2, 0::2]`, `x[0::2, 1::2]`, `x[1::2, 1::2]`; timm's reshape gives the same order),
/// then `norm` (LayerNorm over 4C) and `reduction` (Linear 4C -> 2C, no bias).
final class PatchMerging: Module {
  let norm: LayerNorm
  let reduction: Linear

  init(dim: Int) {
    norm = LayerNorm(4 * dim, epsilon: 1e-5)
    reduction = Linear(4 * dim, 2 * dim, bias: false)
  }

  override func forward(_ x: Tensor) -> Tensor {
    let (h, w) = (x.shape[1], x.shape[2])
    let padded = h % 2 + w % 2 > 0 ? pad(x, [(0, 0), (0, h % 2), (0, w % 2), (0, 0)]) : x
    let (ph, pw) = (padded.shape[1], padded.shape[2])
    func part(_ r: Int, _ c: Int) -> Tensor {
      padded.slice(axis: 1, range: r..<ph, step: 2).slice(axis: 2, range: c..<pw, step: 2)
    }
    return reduction(norm(concat([part(0, 0), part(1, 0), part(0, 1), part(1, 1)], axis: -1)))
  }
}
