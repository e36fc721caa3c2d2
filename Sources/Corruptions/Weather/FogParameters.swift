/// Fog's parameters at one severity.
struct FogParameters {
  /// Weight of the plasma fractal added to the image.
  var amplitude: Double
  /// Roughness decay of the plasma fractal.
  var wibbleDecay: Double

  /// The parameters of `profile` at `severity` (1...5).
  static func at(_ severity: Int, _ profile: Profile) -> FogParameters {
    profile.pick(
      imagenet: [
        Self(amplitude: 1.5, wibbleDecay: 2),
        Self(amplitude: 2.0, wibbleDecay: 2),
        Self(amplitude: 2.5, wibbleDecay: 1.7),
        Self(amplitude: 2.5, wibbleDecay: 1.5),
        Self(amplitude: 3.0, wibbleDecay: 1.4),
      ],
      cifar: [
        Self(amplitude: 0.2, wibbleDecay: 3),
        Self(amplitude: 0.5, wibbleDecay: 3),
        Self(amplitude: 0.75, wibbleDecay: 2.5),
        Self(amplitude: 1, wibbleDecay: 2),
        Self(amplitude: 1.5, wibbleDecay: 1.75),
      ],
      tiny: [
        Self(amplitude: 0.4, wibbleDecay: 3),
        Self(amplitude: 0.7, wibbleDecay: 3),
        Self(amplitude: 1, wibbleDecay: 2.5),
        Self(amplitude: 1.5, wibbleDecay: 2),
        Self(amplitude: 2, wibbleDecay: 1.75),
      ],
      severity: severity)
  }
}
