/// Frost's blend weights at one severity.
struct FrostParameters {
  /// Weight of the image.
  var imageWeight: Double
  /// Weight of the frost texture.
  var frostWeight: Double

  /// The parameters of `profile` at `severity` (1...5).
  static func at(_ severity: Int, _ profile: Profile) -> FrostParameters {
    profile.pick(
      imagenet: [
        Self(imageWeight: 1, frostWeight: 0.4),
        Self(imageWeight: 0.8, frostWeight: 0.6),
        Self(imageWeight: 0.7, frostWeight: 0.7),
        Self(imageWeight: 0.65, frostWeight: 0.7),
        Self(imageWeight: 0.6, frostWeight: 0.75),
      ],
      cifar: [
        Self(imageWeight: 1, frostWeight: 0.2),
        Self(imageWeight: 1, frostWeight: 0.3),
        Self(imageWeight: 0.9, frostWeight: 0.4),
        Self(imageWeight: 0.85, frostWeight: 0.4),
        Self(imageWeight: 0.75, frostWeight: 0.45),
      ],
      tiny: [
        Self(imageWeight: 1, frostWeight: 0.3),
        Self(imageWeight: 0.9, frostWeight: 0.4),
        Self(imageWeight: 0.8, frostWeight: 0.45),
        Self(imageWeight: 0.75, frostWeight: 0.5),
        Self(imageWeight: 0.7, frostWeight: 0.55),
      ],
      severity: severity)
  }
}
