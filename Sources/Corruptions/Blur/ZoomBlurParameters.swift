/// Zoom blur's zoom factors at one severity: `np.arange(1, stop, step)`.
struct ZoomBlurParameters {
  /// Exclusive end of the zoom factors.
  var stop: Double
  /// Step between zoom factors.
  var step: Double

  /// The parameters of `profile` at `severity` (1...5).
  static func at(_ severity: Int, _ profile: Profile) -> ZoomBlurParameters {
    profile.pick(
      imagenet: [
        Self(stop: 1.11, step: 0.01),
        Self(stop: 1.16, step: 0.01),
        Self(stop: 1.21, step: 0.02),
        Self(stop: 1.26, step: 0.02),
        Self(stop: 1.31, step: 0.03),
      ],
      cifar: [
        Self(stop: 1.06, step: 0.01),
        Self(stop: 1.11, step: 0.01),
        Self(stop: 1.16, step: 0.01),
        Self(stop: 1.21, step: 0.01),
        Self(stop: 1.26, step: 0.01),
      ],
      tiny: [
        Self(stop: 1.06, step: 0.01),
        Self(stop: 1.11, step: 0.01),
        Self(stop: 1.16, step: 0.01),
        Self(stop: 1.21, step: 0.01),
        Self(stop: 1.26, step: 0.01),
      ],
      severity: severity)
  }
}
