/// Defocus blur's parameters at one severity.
struct DefocusBlurParameters {
  /// Radius of the disk kernel in pixels.
  var radius: Double
  /// Sigma of the Gaussian that smooths the disk's edge.
  var aliasBlur: Double

  /// The parameters of `profile` at `severity` (1...5).
  static func at(_ severity: Int, _ profile: Profile) -> DefocusBlurParameters {
    profile.pick(
      imagenet: [
        Self(radius: 3, aliasBlur: 0.1),
        Self(radius: 4, aliasBlur: 0.5),
        Self(radius: 6, aliasBlur: 0.5),
        Self(radius: 8, aliasBlur: 0.5),
        Self(radius: 10, aliasBlur: 0.5),
      ],
      cifar: [
        Self(radius: 0.3, aliasBlur: 0.4),
        Self(radius: 0.4, aliasBlur: 0.5),
        Self(radius: 0.5, aliasBlur: 0.6),
        Self(radius: 1, aliasBlur: 0.2),
        Self(radius: 1.5, aliasBlur: 0.1),
      ],
      tiny: [
        Self(radius: 0.5, aliasBlur: 0.6),
        Self(radius: 1, aliasBlur: 0.1),
        Self(radius: 1.5, aliasBlur: 0.1),
        Self(radius: 2.5, aliasBlur: 0.01),
        Self(radius: 3, aliasBlur: 0.1),
      ],
      severity: severity)
  }
}
