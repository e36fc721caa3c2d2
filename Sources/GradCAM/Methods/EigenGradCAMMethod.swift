/// Eigen-Grad-CAM: Eigen-CAM of `G ⊙ A`.
struct EigenGradCAMMethod: CAMMethodImplementation {
  let name = "eigengradcam"
  let usesGradients = true

  func rawMaps(_ request: CAMRequest) throws -> CAMRawMaps {
    try request.gradientMaps { a, g in EigenCAMMethod.projection(a.multiplied(by: g)) }
  }
}

extension CAMMethod {
  /// Eigen-Grad-CAM: Eigen-CAM of `G ⊙ A`.
  public static let eigenGradCAM = CAMMethod(EigenGradCAMMethod())
}
