/// Motion blur's parameters at one severity.
struct MotionBlurParameters {
  /// Kernel radius in pixels.
  var radius: Int
  /// Standard deviation of the kernel along the motion.
  var sigma: Double

  /// The parameters of `profile` at `severity` (1...5).
  static func at(_ severity: Int, _ profile: Profile) -> MotionBlurParameters {
    profile.pick(
      imagenet: [
        Self(radius: 10, sigma: 3),
        Self(radius: 15, sigma: 5),
        Self(radius: 15, sigma: 8),
        Self(radius: 15, sigma: 12),
        Self(radius: 20, sigma: 15),
      ],
      cifar: [
        Self(radius: 6, sigma: 1),
        Self(radius: 6, sigma: 1.5),
        Self(radius: 6, sigma: 2),
        Self(radius: 8, sigma: 2),
        Self(radius: 9, sigma: 2.5),
      ],
      tiny: [
        Self(radius: 10, sigma: 1),
        Self(radius: 10, sigma: 1.5),
        Self(radius: 10, sigma: 2),
        Self(radius: 10, sigma: 2.5),
        Self(radius: 12, sigma: 3),
      ],
      severity: severity)
  }
}
