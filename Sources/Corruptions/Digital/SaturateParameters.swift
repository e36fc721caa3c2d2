/// Saturate's parameters at one severity: HSV saturation · scale + offset.
struct SaturateParameters {
  /// Factor on the saturation.
  var scale: Double
  /// Added to the scaled saturation.
  var offset: Double

  /// The parameters of `profile` at `severity` (1...5).
  static func at(_ severity: Int, _ profile: Profile) -> SaturateParameters {
    profile.pick(
      imagenet: [
        Self(scale: 0.3, offset: 0),
        Self(scale: 0.1, offset: 0),
        Self(scale: 2, offset: 0),
        Self(scale: 5, offset: 0.1),
        Self(scale: 20, offset: 0.2),
      ],
      cifar: [
        Self(scale: 0.3, offset: 0),
        Self(scale: 0.1, offset: 0),
        Self(scale: 1.5, offset: 0),
        Self(scale: 2, offset: 0.1),
        Self(scale: 2.5, offset: 0.2),
      ],
      tiny: [
        Self(scale: 0.3, offset: 0),
        Self(scale: 0.1, offset: 0),
        Self(scale: 2, offset: 0),
        Self(scale: 5, offset: 0.1),
        Self(scale: 30, offset: 0.2),
      ],
      severity: severity)
  }
}
