/// XGrad-CAM: `w_k = Σ (G_k A_k / (Σ A_k + 1e-7))`, `raw = Σ_k w_k A_k`.
struct XGradCAMMethod: CAMMethodImplementation {
  let name = "xgradcam"
  let usesGradients = true

  func rawMaps(_ request: CAMRequest) throws -> CAMRawMaps {
    try request.gradientMaps { a, g in
      let w = a.perChannel { o -> Float in
        let sumA = Float((0..<a.pixels).reduce(0.0) { $0 + Double(a.values[o + $1]) })
        let denom = sumA + 1e-7
        return Float((0..<a.pixels).reduce(0.0) { $0 + Double(g.values[o + $1] * a.values[o + $1] / denom) })
      }
      return a.weightedSum(w)
    }
  }
}

extension CAMMethod {
  /// XGrad-CAM: weights `Σ G·A / (Σ A + 1e-7)`.
  public static let xGradCAM = CAMMethod(XGradCAMMethod())
}
