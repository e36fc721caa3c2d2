import Foundation
import Imaging

/// Applying corruptions to images.
public enum Corruptions {
  /// Corrupts `image` with `corruption` at `severity` (1...5).
  ///
  /// - Parameters:
  ///   - seed: seeds the numpy-legacy RNG emulation; with the ImageNet profile the result equals
  ///     `np.random.seed(seed); np.uint8(imagecorruptions.corrupt(img, severity, name))` (impulse noise
  ///     with scikit-image ≤ 0.18 semantics) up to the agreement documented per corruption.
  ///   - profile: parameter table; `nil` chooses by size (`Profile.automatic`).
  /// - Throws: `CorruptionError` for a bad severity, an image under 32×32, a codec failure
  ///   (jpeg_compression) or missing frost textures.
  public static func apply(
    _ image: RGBImage, _ corruption: Corruption, severity: Int, seed: UInt32, profile: Profile? = nil
  ) throws -> RGBImage {
    _ = try Severity.validate(severity)
    guard image.width >= 32 && image.height >= 32 else {
      throw CorruptionError.imageTooSmall(width: image.width, height: image.height)
    }
    // The float64 working planes every corruption allocates (fog and zoom check their own).
    try CorruptionLimits.check(image.width * image.height * 3, bytesEach: 8, "corrupting a \(image.width)x\(image.height) image")
    let p = profile ?? Profile.automatic(width: image.width, height: image.height)
    var rng = NumpyRandomState(seed: seed)
    let s = severity
    switch corruption {
    case .gaussianNoise: return Noise.gaussian(image, p.gaussianNoise(s), &rng)
    case .shotNoise: return Noise.shot(image, p.shotNoise(s), &rng)
    case .impulseNoise: return Noise.impulse(image, p.impulseNoise(s), &rng)
    case .speckleNoise: return Noise.speckle(image, p.speckleNoise(s), &rng)
    case .gaussianBlur: return Blur.gaussian(image, sigma: p.gaussianBlur(s))
    case .glassBlur: return Blur.glass(image, .at(s, p), &rng)
    case .defocusBlur: return Blur.defocus(image, .at(s, p))
    case .motionBlur: return Blur.motion(image, .at(s, p), magick: p.isHendrycks, &rng)
    case .zoomBlur: return try Blur.zoom(image, .at(s, p))
    case .snow: return Weather.snow(image, .at(s, p), hendrycks: p.isHendrycks, &rng)
    case .frost: return try Weather.frost(image, .at(s, p), textureScale: p.isHendrycks ? p.frostTextureScale : nil, &rng)
    case .fog: return try Weather.fog(image, .at(s, p), &rng)
    case .brightness: return Weather.brightness(image, p.brightness(s))
    case .contrast: return Digital.contrast(image, p.contrast(s))
    case .elasticTransform: return p.isHendrycks
      ? Digital.elasticHendrycks(image, .hendrycks(s, p), &rng)
      : Digital.elastic(image, alpha: p.elasticAlpha(s), &rng)
    case .pixelate: return Digital.pixelate(image, p.pixelate(s))
    case .jpegCompression: return try Digital.jpeg(image, quality: p.jpegQuality(s))
    case .spatter: return Digital.spatter(image, .at(s, p), float32Mud: p.isHendrycks, &rng)
    case .saturate: return Digital.saturate(image, .at(s, p))
    }
  }

  /// Applies by canonical name (see `Corruption(parsing:)`).
  public static func apply(
    _ image: RGBImage, named name: String, severity: Int, seed: UInt32, profile: Profile? = nil
  ) throws -> RGBImage {
    try apply(image, try Corruption(parsing: name), severity: severity, seed: seed, profile: profile)
  }
}

extension Corruptions {
  /// One (corruption, severity) request for `applyMany`.
  public struct Job: Sendable, Hashable {
    public var corruption: Corruption
    public var severity: Int
    public var seed: UInt32
    public init(_ corruption: Corruption, severity: Int, seed: UInt32) {
      self.corruption = corruption
      self.severity = severity
      self.seed = seed
    }
  }

  /// Applies several corruptions to one image in parallel (results in `jobs` order); each result
  /// equals `apply(image, job.corruption, severity: job.severity, seed: job.seed, profile:)`.
  /// - Throws: the first error in `jobs` order.
  public static func applyMany(_ image: RGBImage, _ jobs: [Job], profile: Profile? = nil) throws -> [RGBImage] {
    var results = [Result<RGBImage, Error>?](repeating: nil, count: jobs.count)
    let lock = NSLock()
    // Longest jobs first would be ideal; `jobs` order is kept for simplicity and determinism of results.
    forEachIndex(jobs.count, workers: ProcessInfo.processInfo.activeProcessorCount) { i in
      let j = jobs[i]
      let r = Result { try apply(image, j.corruption, severity: j.severity, seed: j.seed, profile: profile) }
      lock.lock()
      results[i] = r
      lock.unlock()
    }
    return try results.map { try $0!.get() }
  }
}
