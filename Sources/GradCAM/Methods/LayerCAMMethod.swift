/// LayerCAM: `raw = Σ_k max(G_k, 0) ⊙ A_k`.
struct LayerCAMMethod: CAMMethodImplementation {
  let name = "layercam"
  let usesGradients = true

  func rawMaps(_ request: CAMRequest) throws -> CAMRawMaps {
    try request.gradientMaps { a, g in a.channelSum(with: g) { x, gr in Swift.max(gr, 0) * x } }
  }
}

extension CAMMethod {
  /// LayerCAM: `Σ_k max(G_k, 0) ⊙ A_k`.
  public static let layerCAM = CAMMethod(LayerCAMMethod())
}
