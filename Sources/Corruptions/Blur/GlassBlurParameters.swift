/// Glass blur's parameters at one severity.
struct GlassBlurParameters {
  /// Standard deviation of the Gaussian blurs before and after the shuffle.
  var sigma: Double
  /// Largest pixel shift of the local shuffle.
  var maxDelta: Int
  /// Shuffle passes.
  var iterations: Int

  /// The parameters of `profile` at `severity` (1...5).
  static func at(_ severity: Int, _ profile: Profile) -> GlassBlurParameters {
    profile.pick(
      imagenet: [
        Self(sigma: 0.7, maxDelta: 1, iterations: 2),
        Self(sigma: 0.9, maxDelta: 2, iterations: 1),
        Self(sigma: 1, maxDelta: 2, iterations: 3),
        Self(sigma: 1.1, maxDelta: 3, iterations: 2),
        Self(sigma: 1.5, maxDelta: 4, iterations: 2),
      ],
      cifar: [
        Self(sigma: 0.05, maxDelta: 1, iterations: 1),
        Self(sigma: 0.25, maxDelta: 1, iterations: 1),
        Self(sigma: 0.4, maxDelta: 1, iterations: 1),
        Self(sigma: 0.25, maxDelta: 1, iterations: 2),
        Self(sigma: 0.4, maxDelta: 1, iterations: 2),
      ],
      tiny: [
        Self(sigma: 0.1, maxDelta: 1, iterations: 1),
        Self(sigma: 0.5, maxDelta: 1, iterations: 1),
        Self(sigma: 0.6, maxDelta: 1, iterations: 2),
        Self(sigma: 0.7, maxDelta: 2, iterations: 1),
        Self(sigma: 0.9, maxDelta: 2, iterations: 2),
      ],
      severity: severity)
  }
}
