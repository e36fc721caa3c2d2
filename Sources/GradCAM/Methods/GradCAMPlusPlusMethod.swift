/// Grad-CAM++ as pytorch-grad-cam 1.5.7 computes it: `α = G² / (2G² + (Σ A_k)·G³ + 1e-6)`, α
/// set to 0 where `G = 0`, `w_k = Σ α·max(G, 0)`, `raw = Σ_k w_k A_k`. No exp(S) factor and no
/// α renormalisation (deliberately the same as the reference; see pytorch-grad-cam #369).
struct GradCAMPlusPlusMethod: CAMMethodImplementation {
  let name = "gradcam++"
  let aliases = ["gradcampp", "gradcamplusplus"]
  let usesGradients = true

  func rawMaps(_ request: CAMRequest) throws -> CAMRawMaps {
    try request.gradientMaps { a, g in
      let w = a.perChannel { o -> Float in
        let sumA = Float((0..<a.pixels).reduce(0.0) { $0 + Double(a.values[o + $1]) })
        var total = 0.0
        for p in 0..<a.pixels {
          let gr = g.values[o + p]
          guard gr != 0 else { continue }
          let g2 = gr * gr, g3 = g2 * gr
          let alpha = g2 / (2 * g2 + sumA * g3 + 1e-6)
          total += Double(Swift.max(gr, 0) * alpha)
        }
        return Float(total)
      }
      return a.weightedSum(w)
    }
  }
}

extension CAMMethod {
  /// Grad-CAM++ in pytorch-grad-cam's form (eq. 19 without exp(S), α zeroed where G = 0).
  public static let gradCAMPlusPlus = CAMMethod(GradCAMPlusPlusMethod())
}
