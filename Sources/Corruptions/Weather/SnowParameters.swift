/// Snow's parameters at one severity.
struct SnowParameters {
  /// Mean of the normal snow field.
  var mean: Double
  /// Standard deviation of the snow field.
  var std: Double
  /// Centre zoom of the field.
  var zoom: Double
  /// Field values below this are cleared.
  var threshold: Double
  /// Motion-blur radius of the flakes.
  var blurRadius: Int
  /// Motion-blur sigma of the flakes.
  var blurSigma: Double
  /// Weight of the image against its whitened copy.
  var blend: Double

  /// The parameters of `profile` at `severity` (1...5).
  static func at(_ severity: Int, _ profile: Profile) -> SnowParameters {
    profile.pick(
      imagenet: [
        Self(mean: 0.1, std: 0.3, zoom: 3, threshold: 0.5, blurRadius: 10, blurSigma: 4, blend: 0.8),
        Self(mean: 0.2, std: 0.3, zoom: 2, threshold: 0.5, blurRadius: 12, blurSigma: 4, blend: 0.7),
        Self(mean: 0.55, std: 0.3, zoom: 4, threshold: 0.9, blurRadius: 12, blurSigma: 8, blend: 0.7),
        Self(mean: 0.55, std: 0.3, zoom: 4.5, threshold: 0.85, blurRadius: 12, blurSigma: 8, blend: 0.65),
        Self(mean: 0.55, std: 0.3, zoom: 2.5, threshold: 0.85, blurRadius: 12, blurSigma: 12, blend: 0.55),
      ],
      cifar: [
        Self(mean: 0.1, std: 0.2, zoom: 1, threshold: 0.6, blurRadius: 8, blurSigma: 3, blend: 0.95),
        Self(mean: 0.1, std: 0.2, zoom: 1, threshold: 0.5, blurRadius: 10, blurSigma: 4, blend: 0.9),
        Self(mean: 0.15, std: 0.3, zoom: 1.75, threshold: 0.55, blurRadius: 10, blurSigma: 4, blend: 0.9),
        Self(mean: 0.25, std: 0.3, zoom: 2.25, threshold: 0.6, blurRadius: 12, blurSigma: 6, blend: 0.85),
        Self(mean: 0.3, std: 0.3, zoom: 1.25, threshold: 0.65, blurRadius: 14, blurSigma: 12, blend: 0.8),
      ],
      tiny: [
        Self(mean: 0.1, std: 0.2, zoom: 1, threshold: 0.6, blurRadius: 8, blurSigma: 3, blend: 0.8),
        Self(mean: 0.1, std: 0.2, zoom: 1, threshold: 0.5, blurRadius: 10, blurSigma: 4, blend: 0.8),
        Self(mean: 0.15, std: 0.3, zoom: 1.75, threshold: 0.55, blurRadius: 10, blurSigma: 4, blend: 0.7),
        Self(mean: 0.25, std: 0.3, zoom: 2.25, threshold: 0.6, blurRadius: 12, blurSigma: 6, blend: 0.65),
        Self(mean: 0.3, std: 0.3, zoom: 1.25, threshold: 0.65, blurRadius: 14, blurSigma: 12, blend: 0.6),
      ],
      severity: severity)
  }
}
