/// Spatter's parameters at one severity.
struct SpatterParameters {
  /// What the spatter looks like.
  enum Liquid {
    /// Turquoise highlights along the edges of drops.
    case water
    /// A brown, smoothed mask.
    case mud
  }

  /// Mean of the normal liquid field.
  var mean: Double
  /// Standard deviation of the liquid field.
  var std: Double
  /// Standard deviation of the Gaussian that smooths the field.
  var sigma: Double
  /// Field values below this are dry.
  var threshold: Double
  /// Water: highlight strength; mud: sigma of the Gaussian that smooths the mud mask.
  var intensity: Double
  /// Water or mud.
  var liquid: Liquid

  /// The parameters of `profile` at `severity` (1...5).
  static func at(_ severity: Int, _ profile: Profile) -> SpatterParameters {
    profile.pick(
      imagenet: [
        Self(mean: 0.65, std: 0.3, sigma: 4, threshold: 0.69, intensity: 0.6, liquid: .water),
        Self(mean: 0.65, std: 0.3, sigma: 3, threshold: 0.68, intensity: 0.6, liquid: .water),
        Self(mean: 0.65, std: 0.3, sigma: 2, threshold: 0.68, intensity: 0.5, liquid: .water),
        Self(mean: 0.65, std: 0.3, sigma: 1, threshold: 0.65, intensity: 1.5, liquid: .mud),
        Self(mean: 0.67, std: 0.4, sigma: 1, threshold: 0.65, intensity: 1.5, liquid: .mud),
      ],
      cifar: [
        Self(mean: 0.62, std: 0.1, sigma: 0.7, threshold: 0.7, intensity: 0.5, liquid: .water),
        Self(mean: 0.65, std: 0.1, sigma: 0.8, threshold: 0.7, intensity: 0.5, liquid: .water),
        Self(mean: 0.65, std: 0.3, sigma: 1, threshold: 0.69, intensity: 0.5, liquid: .water),
        Self(mean: 0.65, std: 0.1, sigma: 0.7, threshold: 0.69, intensity: 0.6, liquid: .mud),
        Self(mean: 0.65, std: 0.1, sigma: 0.5, threshold: 0.68, intensity: 0.6, liquid: .mud),
      ],
      tiny: [
        Self(mean: 0.62, std: 0.1, sigma: 0.7, threshold: 0.7, intensity: 0.6, liquid: .water),
        Self(mean: 0.65, std: 0.1, sigma: 0.8, threshold: 0.7, intensity: 0.6, liquid: .water),
        Self(mean: 0.65, std: 0.3, sigma: 1, threshold: 0.69, intensity: 0.6, liquid: .water),
        Self(mean: 0.65, std: 0.1, sigma: 0.7, threshold: 0.68, intensity: 0.6, liquid: .mud),
        Self(mean: 0.65, std: 0.1, sigma: 0.5, threshold: 0.67, intensity: 0.6, liquid: .mud),
      ],
      severity: severity)
  }
}
