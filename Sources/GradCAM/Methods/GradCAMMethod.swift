/// Grad-CAM: `w_k = mean G_k`, `raw = Σ_k w_k A_k` (pytorch-grad-cam 1.5.7's `GradCAM`).
///
/// Notation for every layer method: `A_k(i,j)` is channel `k` of the activations, `G` their
/// gradient; sums over `(i,j)` run over the map. Per-element arithmetic is float32 as numpy
/// does; sums accumulate in Double (numpy uses pairwise float32 sums, a difference far below
/// the 1e-4 parity tolerance on normalised maps).
struct GradCAMMethod: CAMMethodImplementation {
  let name = "gradcam"
  let usesGradients = true

  func rawMaps(_ request: CAMRequest) throws -> CAMRawMaps {
    try request.gradientMaps { a, g in
      let n = Double(g.pixels)
      let w = g.perChannel { o in Float((0..<g.pixels).reduce(0.0) { $0 + Double(g.values[o + $1]) } / n) }
      return a.weightedSum(w)
    }
  }
}

extension CAMMethod {
  /// Grad-CAM: channel weights are the spatial mean of the gradient.
  public static let gradCAM = CAMMethod(GradCAMMethod())
}
