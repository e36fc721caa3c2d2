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

  /// hendrycks' elastic (alpha, sigma, affine jitter) = IMSIZE · factors.
  func elasticHendrycks(_ s: Int) -> (Double, Double, Double) {
    if self == .imagenetC {
      // "244 should have been 224, but ultimately nothing is incorrect" (make_imagenet_c.py).
      let f: [(Double, Double, Double)] = [(2, 0.7, 0.1), (2, 0.08, 0.2), (0.05, 0.01, 0.02), (0.07, 0.01, 0.02), (0.12, 0.01, 0.02)]
      let n: Double = 244
      return (n * f[s - 1].0, n * f[s - 1].1, n * f[s - 1].2)
    }
    let n: Double = self == .tiny ? 64 : 32
    let cf: [(Double, Double, Double)] = [(0, 0, 0.08), (0.05, 0.2, 0.07), (0.08, 0.06, 0.06), (0.1, 0.04, 0.05), (0.1, 0.03, 0.03)]
    let tf: [(Double, Double, Double)] = [(0, 0, 0.08), (0.05, 0.3, 0.06), (0.1, 0.08, 0.06), (0.1, 0.03, 0.03), (0.16, 0.03, 0.02)]
    let f = (self == .tiny ? tf : cf)[s - 1]
    return (n * f.0, n * f.1, n * f.2)
  }

  private func pick<T>(_ i: [T], _ c: [T], _ t: [T], _ s: Int) -> T {
    switch self {
    case .imagenet, .imagenetC: return i[s - 1]
    case .cifar: return c[s - 1]
    case .tiny: return t[s - 1]
    }
  }

  func gaussianNoise(_ s: Int) -> Double {
    pick([0.08, 0.12, 0.18, 0.26, 0.38], [0.04, 0.06, 0.08, 0.09, 0.10], [0.04, 0.08, 0.12, 0.15, 0.18], s)
  }
  func shotNoise(_ s: Int) -> Double {
    pick([60, 25, 12, 5, 3], [500, 250, 100, 75, 50], [250, 100, 50, 30, 15], s)
  }
  func impulseNoise(_ s: Int) -> Double {
    pick([0.03, 0.06, 0.09, 0.17, 0.27], [0.01, 0.02, 0.03, 0.05, 0.07], [0.01, 0.02, 0.05, 0.08, 0.14], s)
  }
  func speckleNoise(_ s: Int) -> Double {
    pick([0.15, 0.2, 0.35, 0.45, 0.6], [0.06, 0.1, 0.12, 0.16, 0.2], [0.15, 0.2, 0.25, 0.3, 0.35], s)
  }
  func gaussianBlur(_ s: Int) -> Double {
    pick([1, 2, 3, 4, 6], [0.4, 0.6, 0.7, 0.8, 1.0], [0.5, 0.75, 1, 1.25, 1.5], s)
  }
  /// (sigma, max delta, iterations)
  func glassBlur(_ s: Int) -> (Double, Int, Int) {
    let i: [(Double, Int, Int)] = [(0.7, 1, 2), (0.9, 2, 1), (1, 2, 3), (1.1, 3, 2), (1.5, 4, 2)]
    let c: [(Double, Int, Int)] = [(0.05, 1, 1), (0.25, 1, 1), (0.4, 1, 1), (0.25, 1, 2), (0.4, 1, 2)]
    let t: [(Double, Int, Int)] = [(0.1, 1, 1), (0.5, 1, 1), (0.6, 1, 2), (0.7, 2, 1), (0.9, 2, 2)]
    return pick(i, c, t, s)
  }
  /// (radius, alias blur)
  func defocusBlur(_ s: Int) -> (Double, Double) {
    let i: [(Double, Double)] = [(3, 0.1), (4, 0.5), (6, 0.5), (8, 0.5), (10, 0.5)]
    let c: [(Double, Double)] = [(0.3, 0.4), (0.4, 0.5), (0.5, 0.6), (1, 0.2), (1.5, 0.1)]
    let t: [(Double, Double)] = [(0.5, 0.6), (1, 0.1), (1.5, 0.1), (2.5, 0.01), (3, 0.1)]
    return pick(i, c, t, s)
  }
  /// (radius, sigma)
  func motionBlur(_ s: Int) -> (Int, Double) {
    let i: [(Int, Double)] = [(10, 3), (15, 5), (15, 8), (15, 12), (20, 15)]
    let c: [(Int, Double)] = [(6, 1), (6, 1.5), (6, 2), (8, 2), (9, 2.5)]
    let t: [(Int, Double)] = [(10, 1), (10, 1.5), (10, 2), (10, 2.5), (12, 3)]
    return pick(i, c, t, s)
  }
  /// `np.arange(1, stop, step)` arguments.
  func zoomBlur(_ s: Int) -> (Double, Double) {
    let small: [(Double, Double)] = [(1.06, 0.01), (1.11, 0.01), (1.16, 0.01), (1.21, 0.01), (1.26, 0.01)]
    return pick([(1.11, 0.01), (1.16, 0.01), (1.21, 0.02), (1.26, 0.02), (1.31, 0.03)], small, small, s)
  }
  /// (mean, std, zoom, threshold, blur radius, blur sigma, blend)
  func snow(_ s: Int) -> (Double, Double, Double, Double, Int, Double, Double) {
    let i: [(Double, Double, Double, Double, Int, Double, Double)] = [
        (0.1, 0.3, 3, 0.5, 10, 4, 0.8), (0.2, 0.3, 2, 0.5, 12, 4, 0.7), (0.55, 0.3, 4, 0.9, 12, 8, 0.7),
        (0.55, 0.3, 4.5, 0.85, 12, 8, 0.65), (0.55, 0.3, 2.5, 0.85, 12, 12, 0.55),
      ]
    let c: [(Double, Double, Double, Double, Int, Double, Double)] = [
        (0.1, 0.2, 1, 0.6, 8, 3, 0.95), (0.1, 0.2, 1, 0.5, 10, 4, 0.9), (0.15, 0.3, 1.75, 0.55, 10, 4, 0.9),
        (0.25, 0.3, 2.25, 0.6, 12, 6, 0.85), (0.3, 0.3, 1.25, 0.65, 14, 12, 0.8),
      ]
    let t: [(Double, Double, Double, Double, Int, Double, Double)] = [
        (0.1, 0.2, 1, 0.6, 8, 3, 0.8), (0.1, 0.2, 1, 0.5, 10, 4, 0.8), (0.15, 0.3, 1.75, 0.55, 10, 4, 0.7),
        (0.25, 0.3, 2.25, 0.6, 12, 6, 0.65), (0.3, 0.3, 1.25, 0.65, 14, 12, 0.6),
      ]
    return pick(i, c, t, s)
  }
  /// (image weight, frost weight)
  func frost(_ s: Int) -> (Double, Double) {
    let i: [(Double, Double)] = [(1, 0.4), (0.8, 0.6), (0.7, 0.7), (0.65, 0.7), (0.6, 0.75)]
    let c: [(Double, Double)] = [(1, 0.2), (1, 0.3), (0.9, 0.4), (0.85, 0.4), (0.75, 0.45)]
    let t: [(Double, Double)] = [(1, 0.3), (0.9, 0.4), (0.8, 0.45), (0.75, 0.5), (0.7, 0.55)]
    return pick(i, c, t, s)
  }
  /// (amplitude, wibble decay)
  func fog(_ s: Int) -> (Double, Double) {
    let i: [(Double, Double)] = [(1.5, 2), (2.0, 2), (2.5, 1.7), (2.5, 1.5), (3.0, 1.4)]
    let c: [(Double, Double)] = [(0.2, 3), (0.5, 3), (0.75, 2.5), (1, 2), (1.5, 1.75)]
    let t: [(Double, Double)] = [(0.4, 3), (0.7, 3), (1, 2.5), (1.5, 2), (2, 1.75)]
    return pick(i, c, t, s)
  }
  func brightness(_ s: Int) -> Double {
    pick([0.1, 0.2, 0.3, 0.4, 0.5], [0.05, 0.1, 0.15, 0.2, 0.3], [0.1, 0.2, 0.3, 0.4, 0.5], s)
  }
  func contrast(_ s: Int) -> Double {
    pick([0.4, 0.3, 0.2, 0.1, 0.05], [0.75, 0.5, 0.4, 0.3, 0.15], [0.4, 0.3, 0.2, 0.1, 0.05], s)
  }
  /// (scale, offset) on HSV saturation
  func saturate(_ s: Int) -> (Double, Double) {
    let i: [(Double, Double)] = [(0.3, 0), (0.1, 0), (2, 0), (5, 0.1), (20, 0.2)]
    let c: [(Double, Double)] = [(0.3, 0), (0.1, 0), (1.5, 0), (2, 0.1), (2.5, 0.2)]
    let t: [(Double, Double)] = [(0.3, 0), (0.1, 0), (2, 0), (5, 0.1), (30, 0.2)]
    return pick(i, c, t, s)
  }
  func jpegQuality(_ s: Int) -> Int {
    pick([25, 18, 15, 10, 7], [80, 65, 58, 50, 40], [65, 58, 50, 40, 25], s)
  }
  func pixelate(_ s: Int) -> Double {
    pick([0.6, 0.5, 0.4, 0.3, 0.25], [0.95, 0.9, 0.85, 0.75, 0.65], [0.9, 0.8, 0.7, 0.6, 0.5], s)
  }
  /// (mean, std, blur sigma, threshold, intensity, mode: 0 water / 1 mud)
  func spatter(_ s: Int) -> (Double, Double, Double, Double, Double, Int) {
    let i: [(Double, Double, Double, Double, Double, Int)] = [
        (0.65, 0.3, 4, 0.69, 0.6, 0), (0.65, 0.3, 3, 0.68, 0.6, 0), (0.65, 0.3, 2, 0.68, 0.5, 0),
        (0.65, 0.3, 1, 0.65, 1.5, 1), (0.67, 0.4, 1, 0.65, 1.5, 1),
      ]
    let c: [(Double, Double, Double, Double, Double, Int)] = [
        (0.62, 0.1, 0.7, 0.7, 0.5, 0), (0.65, 0.1, 0.8, 0.7, 0.5, 0), (0.65, 0.3, 1, 0.69, 0.5, 0),
        (0.65, 0.1, 0.7, 0.69, 0.6, 1), (0.65, 0.1, 0.5, 0.68, 0.6, 1),
      ]
    let t: [(Double, Double, Double, Double, Double, Int)] = [
        (0.62, 0.1, 0.7, 0.7, 0.6, 0), (0.65, 0.1, 0.8, 0.7, 0.6, 0), (0.65, 0.3, 1, 0.69, 0.6, 0),
        (0.65, 0.1, 0.7, 0.68, 0.6, 1), (0.65, 0.1, 0.5, 0.67, 0.6, 1),
      ]
    return pick(i, c, t, s)
  }
  /// imagecorruptions' elastic alpha (same in every profile).
  func elasticAlpha(_ s: Int) -> Double {
    let base: Double = 250
    let f: [Double] = [0.05, 0.065, 0.085, 0.1, 0.12]
    return base * f[s - 1]
  }
}
