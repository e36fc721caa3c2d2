/// Eigen-CAM: per image, the centred pixels×channels matrix of the activations projected on its
/// first right singular vector (sign convention: ``PrincipalDirection``). Gradient-free and the
/// same for every target.
struct EigenCAMMethod: CAMMethodImplementation {
  let name = "eigencam"
  let usesGradients = false
  let isClassSpecific = false

  func rawMaps(_ request: CAMRequest) throws -> CAMRawMaps {
    try request.layerMaps(gradients: false) { c in
      let raw = Self.projection(c.activations)
      return c.passes.map { _ in raw }
    }
  }

  /// The first-principal-direction projection of each image's maps: `[B, h, w]` flat.
  static func projection(_ a: FeatureMaps) -> [Float] {
    var out: [Float] = []
    out.reserveCapacity(a.batch * a.pixels)
    for b in 0..<a.batch {
      let slice = Array(a.values[(b * a.channels * a.pixels)..<((b + 1) * a.channels * a.pixels)])
      out += PrincipalDirection.projection(channelsFirst: slice, channels: a.channels, pixels: a.pixels)
    }
    return out
  }
}

extension CAMMethod {
  /// Eigen-CAM: projection of the centred activations on their first principal direction.
  public static let eigenCAM = CAMMethod(EigenCAMMethod())
}
