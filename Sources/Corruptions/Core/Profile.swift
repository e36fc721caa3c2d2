import Foundation

/// Parameter tables: `imagenet` (224 px, the imagecorruptions 1.1.2 / ImageNet-C table, used by
/// imagecorruptions at every size), `cifar` (32 px, CIFAR-10-C's `make_cifar_c.py`) and `tiny`
/// (64 px, `make_tinyimagenet_c.py`).
///
/// `imagenetC` uses the ImageNet numbers with hendrycks' `make_imagenet_c.py` algorithms (what
/// ImageNet-C was generated with, before its JPEG q85 storage).
///
/// Algorithms: `imagenet` follows imagecorruptions 1.1.2 exactly (its size-generic code: glass blur
/// over the real size, fog map side = next power of two, frost texture rescale ×1.1 with cubic
/// interpolation, numpy motion blur, size-relative elastic transform). `cifar` and `tiny` follow
/// hendrycks' `make_cifar_c.py` / `make_tinyimagenet_c.py`: ImageMagick motion blur (closed form),
/// snow quantised before the blur, frost textures resized ×0.2 / ×0.3 with cv2 INTER_LINEAR, the
/// affine + elastic transform, float32 mud spatter. The 14 corruptions common to both are identical
/// algorithms with different numbers.
public enum Profile: String, CaseIterable, Sendable, Codable {
  /// imagecorruptions 1.1.2 (ImageNet table, any size).
  case imagenet
  /// CIFAR-10-C: hendrycks' `make_cifar_c.py`.
  case cifar
  /// Tiny-ImageNet-C: hendrycks' `make_tinyimagenet_c.py`.
  case tiny
  /// ImageNet-C itself: hendrycks' `make_imagenet_c.py` (ImageNet table with ImageMagick motion
  /// blur, hendrycks snow, uncropped-scale frost, the "244" affine + elastic transform, float32 mud).
  case imagenetC = "imagenet-c"

  /// The profile chosen for an image size: 32×32 → cifar, 64×64 → tiny, anything else → imagenet
  /// (imagecorruptions' table, generalised to the size).
  public static func automatic(width: Int, height: Int) -> Profile {
    if width == 32 && height == 32 { return .cifar }
    if width == 64 && height == 64 { return .tiny }
    return .imagenet
  }

  /// Parses "imagenet", "cifar", "tiny" (nil for "auto").
  public static func parse(_ text: String) throws -> Profile? {
    let t = text.lowercased()
    if t == "auto" || t == "automatic" { return nil }
    if let p = Profile(rawValue: t) { return p }
    if t == "cifar10" || t == "cifar-10" { return .cifar }
    if t == "tiny-imagenet" || t == "tinyimagenet" { return .tiny }
    if t == "imagenetc" || t == "imagenet_c" || t == "hendrycks" { return .imagenetC }
    throw CorruptionError.unknownProfile(text)
  }

  /// Whether hendrycks' CIFAR/Tiny generator algorithms are used (see the type documentation).
  var isHendrycks: Bool { self != .imagenet }

  /// hendrycks' frost texture scale (cifar 0.2, tiny 0.3, ImageNet-C 1 = the texture as is).
  var frostTextureScale: Double {
    switch self {
    case .tiny: return 0.3
    case .cifar: return 0.2
    default: return 1
    }
  }

  /// The entry for `severity` (1...5) of this profile's table (ImageNet-C uses the ImageNet one).
  func pick<T>(imagenet: [T], cifar: [T], tiny: [T], severity: Int) -> T {
    switch self {
    case .imagenet, .imagenetC: return imagenet[severity - 1]
    case .cifar: return cifar[severity - 1]
    case .tiny: return tiny[severity - 1]
    }
  }

  func gaussianNoise(_ s: Int) -> Double {
    pick(imagenet: [0.08, 0.12, 0.18, 0.26, 0.38], cifar: [0.04, 0.06, 0.08, 0.09, 0.10], tiny: [0.04, 0.08, 0.12, 0.15, 0.18], severity: s)
  }
  func shotNoise(_ s: Int) -> Double {
    pick(imagenet: [60, 25, 12, 5, 3], cifar: [500, 250, 100, 75, 50], tiny: [250, 100, 50, 30, 15], severity: s)
  }
  func impulseNoise(_ s: Int) -> Double {
    pick(imagenet: [0.03, 0.06, 0.09, 0.17, 0.27], cifar: [0.01, 0.02, 0.03, 0.05, 0.07], tiny: [0.01, 0.02, 0.05, 0.08, 0.14], severity: s)
  }
  func speckleNoise(_ s: Int) -> Double {
    pick(imagenet: [0.15, 0.2, 0.35, 0.45, 0.6], cifar: [0.06, 0.1, 0.12, 0.16, 0.2], tiny: [0.15, 0.2, 0.25, 0.3, 0.35], severity: s)
  }
  func gaussianBlur(_ s: Int) -> Double {
    pick(imagenet: [1, 2, 3, 4, 6], cifar: [0.4, 0.6, 0.7, 0.8, 1.0], tiny: [0.5, 0.75, 1, 1.25, 1.5], severity: s)
  }

  func brightness(_ s: Int) -> Double {
    pick(imagenet: [0.1, 0.2, 0.3, 0.4, 0.5], cifar: [0.05, 0.1, 0.15, 0.2, 0.3], tiny: [0.1, 0.2, 0.3, 0.4, 0.5], severity: s)
  }

  func contrast(_ s: Int) -> Double {
    pick(imagenet: [0.4, 0.3, 0.2, 0.1, 0.05], cifar: [0.75, 0.5, 0.4, 0.3, 0.15], tiny: [0.4, 0.3, 0.2, 0.1, 0.05], severity: s)
  }

  func jpegQuality(_ s: Int) -> Int {
    pick(imagenet: [25, 18, 15, 10, 7], cifar: [80, 65, 58, 50, 40], tiny: [65, 58, 50, 40, 25], severity: s)
  }
  func pixelate(_ s: Int) -> Double {
    pick(imagenet: [0.6, 0.5, 0.4, 0.3, 0.25], cifar: [0.95, 0.9, 0.85, 0.75, 0.65], tiny: [0.9, 0.8, 0.7, 0.6, 0.5], severity: s)
  }

  /// imagecorruptions' elastic alpha (same in every profile).
  func elasticAlpha(_ s: Int) -> Double {
    let base: Double = 250
    let f: [Double] = [0.05, 0.065, 0.085, 0.1, 0.12]
    return base * f[s - 1]
  }
}
