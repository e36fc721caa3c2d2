/// HiResCAM: `raw = Σ_k G_k ⊙ A_k`.
struct HiResCAMMethod: CAMMethodImplementation {
  let name = "hirescam"
  let usesGradients = true

  func rawMaps(_ request: CAMRequest) throws -> CAMRawMaps {
    try request.gradientMaps { a, g in a.channelSum(with: g) { $0 * $1 } }
  }
}

extension CAMMethod {
  /// HiResCAM: `Σ_k G_k ⊙ A_k`.
  public static let hiResCAM = CAMMethod(HiResCAMMethod())
}
