import Suggestions
import Foundation

/// The 19 common corruptions of Hendrycks & Dietterich (ImageNet-C), by canonical name.
///
/// The first 15 cases (in `benchmark` order) are the benchmark corruptions; `speckle_noise`,
/// `gaussian_blur`, `spatter` and `saturate` are the 4 extra (validation) corruptions.
public enum Corruption: String, CaseIterable, Sendable, Codable, CustomStringConvertible {
  case gaussianNoise = "gaussian_noise"
  case shotNoise = "shot_noise"
  case impulseNoise = "impulse_noise"
  case defocusBlur = "defocus_blur"
  case glassBlur = "glass_blur"
  case motionBlur = "motion_blur"
  case zoomBlur = "zoom_blur"
  case snow = "snow"
  case frost = "frost"
  case fog = "fog"
  case brightness = "brightness"
  case contrast = "contrast"
  case elasticTransform = "elastic_transform"
  case pixelate = "pixelate"
  case jpegCompression = "jpeg_compression"
  case speckleNoise = "speckle_noise"
  case gaussianBlur = "gaussian_blur"
  case spatter = "spatter"
  case saturate = "saturate"

  /// The canonical (imagecorruptions / ImageNet-C folder) name.
  public var name: String { rawValue }
  public var description: String { rawValue }

  /// The 15 benchmark corruptions, in ImageNet-C order.
  public static let benchmark: [Corruption] = Array(allCases.prefix(15))
  /// The 4 extra corruptions.
  public static let extra: [Corruption] = [.speckleNoise, .gaussianBlur, .spatter, .saturate]
  /// All 19 corruptions (benchmark first, then the extras).
  public static let all: [Corruption] = allCases

  /// The corruption family (ImageNet-C tar name): noise, blur, weather, digital or extra.
  public var family: String {
    switch self {
    case .gaussianNoise, .shotNoise, .impulseNoise: return "noise"
    case .defocusBlur, .glassBlur, .motionBlur, .zoomBlur: return "blur"
    case .snow, .frost, .fog, .brightness: return "weather"
    case .contrast, .elasticTransform, .pixelate, .jpegCompression: return "digital"
    case .speckleNoise, .gaussianBlur, .spatter, .saturate: return "extra"
    }
  }

  /// Whether the result depends on random draws (and hence on the seed).
  public var isRandom: Bool {
    switch self {
    case .defocusBlur, .zoomBlur, .brightness, .contrast, .pixelate, .jpegCompression, .gaussianBlur,
      .saturate:
      return false
    default: return true
    }
  }

  /// Parses one canonical name (case-insensitive; `-` and spaces are read as `_`).
  /// - Throws: `CorruptionError.unknownCorruption` with the closest name as a suggestion.
  public init(parsing text: String) throws {
    let key = text.trimmingCharacters(in: .whitespaces).lowercased()
      .replacingOccurrences(of: "-", with: "_").replacingOccurrences(of: " ", with: "_")
    if let c = Corruption(rawValue: key) {
      self = c
      return
    }
    throw CorruptionError.unknownCorruption(text, suggestion: Corruption.closest(to: key))
  }

  /// Parses a comma-separated list; `all` gives the 19, `benchmark` the 15, `extra` the 4.
  /// Duplicates are dropped, first occurrence order kept.
  public static func parseList(_ text: String) throws -> [Corruption] {
    var out: [Corruption] = []
    for part in text.split(separator: ",") {
      let p = part.trimmingCharacters(in: .whitespaces).lowercased()
      if p.isEmpty { continue }
      let items: [Corruption]
      switch p {
      case "all": items = all
      case "benchmark": items = benchmark
      case "extra": items = extra
      default: items = [try Corruption(parsing: p)]
      }
      for c in items where !out.contains(c) { out.append(c) }
    }
    if out.isEmpty { throw CorruptionError.emptyList(text) }
    return out
  }

  /// The canonical name (or list keyword) nearest to `text`, by ``closestMatches(to:in:limit:maxDistance:)``
  /// (nil when nothing is close).
  public static func closest(to text: String) -> String? {
    closestMatches(to: text, in: allCases.map(\.rawValue) + ["all", "benchmark", "extra"]).first
  }
}

/// Severity helpers (ImageNet-C severities are 1...5).
public enum Severity {
  /// All valid severities.
  public static let all = Array(1...5)

  /// Validates one severity.
  /// - Throws: `CorruptionError.invalidSeverity` outside 1...5.
  public static func validate(_ s: Int) throws -> Int {
    guard (1...5).contains(s) else { throw CorruptionError.invalidSeverity(String(s)) }
    return s
  }

  /// Parses "3", "1,2,5", "1-3" or "all".
  public static func parseList(_ text: String) throws -> [Int] {
    var out: [Int] = []
    for part in text.split(separator: ",") {
      let p = part.trimmingCharacters(in: .whitespaces).lowercased()
      if p.isEmpty { continue }
      var items: [Int]
      if p == "all" {
        items = all
      } else if let dash = p.firstIndex(of: "-"), dash != p.startIndex {
        // Bounds are checked before the range is materialised: "1-99999999999" must be an
        // error, not a multi-gigabyte array (found by Fuzz/harness/severity_list.swift).
        guard let a = Int(p[..<dash]), let b = Int(p[p.index(after: dash)...]), a <= b,
          (1...5).contains(a), (1...5).contains(b)
        else {
          throw CorruptionError.invalidSeverity(p)
        }
        items = Array(a...b)
      } else {
        guard let v = Int(p) else { throw CorruptionError.invalidSeverity(p) }
        items = [v]
      }
      for v in items {
        guard (1...5).contains(v) else { throw CorruptionError.invalidSeverity(p) }
        if !out.contains(v) { out.append(v) }
      }
    }
    if out.isEmpty { throw CorruptionError.invalidSeverity(text) }
    return out
  }
}

/// Errors from the Corruptions module; each description is one line.
/// Limits on the buffers a corruption allocates for an image (float64 planes, fog's plasma map,
/// zoom blur's zoomed layers), so that a small file declaring a long thin image cannot make a
/// corruption ask for gigabytes. Checked where each size is computed.
public enum CorruptionLimits {
  /// Largest single buffer, in bytes (1 GiB).
  public static let maximumBufferBytes = 1 << 30

  /// Throws ``CorruptionError/tooLarge(_:)`` when `elements` of `bytesEach` bytes exceed the limit.
  public static func check(_ elements: Int, bytesEach: Int, _ what: @autoclosure () -> String) throws {
    let (bytes, overflow) = elements.multipliedReportingOverflow(by: bytesEach)
    guard !overflow, bytes <= maximumBufferBytes else {
      throw CorruptionError.tooLarge(
        "\(what()) would need \(overflow ? "more than \(Int.max)" : "\(bytes)") bytes, over the limit of \(maximumBufferBytes) (use a smaller image)")
    }
  }
}

public enum CorruptionError: Error, CustomStringConvertible, Equatable {
  case unknownCorruption(String, suggestion: String?)
  case emptyList(String)
  case invalidSeverity(String)
  case imageTooSmall(width: Int, height: Int)
  case unknownProfile(String)
  case resourceMissing(String)
  case codec(String)
  case io(String)
  /// A buffer the corruption needs for this image would exceed ``CorruptionLimits``.
  case tooLarge(String)

  public var description: String {
    switch self {
    case .unknownCorruption(let n, let s):
      let valid = "valid: " + Corruption.allCases.map(\.rawValue).joined(separator: ", ") + ", all"
      if let s { return "unknown corruption '\(n)'; did you mean '\(s)'? (\(valid))" }
      return "unknown corruption '\(n)' (\(valid))"
    case .emptyList(let t): return "no corruption named in '\(t)'"
    case .invalidSeverity(let t): return "invalid severity '\(t)': severities are integers 1 to 5 (e.g. 3, 1,2,5, 1-5 or all)"
    case .imageTooSmall(let w, let h): return "image \(w)x\(h) is too small: corruptions need at least 32x32 pixels"
    case .unknownProfile(let p): return "unknown profile '\(p)': use auto, imagenet, cifar, tiny or imagenet-c"
    case .resourceMissing(let r): return "missing corruption resource: \(r)"
    case .codec(let m): return "image codec failed: \(m)"
    case .io(let m): return "I/O error: \(m)"
    case .tooLarge(let m): return m
    }
  }
}
