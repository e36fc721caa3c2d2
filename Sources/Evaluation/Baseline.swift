import Foundation

/// Reference top-1 errors that corruption errors are normalised by (CE = Σ_s E_s / Σ_s B_s).
///
/// Errors are fractions in [0, 1]. `clean` is needed for relative CE.
public struct Baseline: Codable, Equatable, Sendable {
  /// Shown in reports (e.g. "alexnet" or a file name).
  public var name: String
  /// Clean top-1 error.
  public var clean: Double?
  /// Top-1 error per corruption name and severity (1...5).
  public var errors: [String: [Int: Double]]

  public init(name: String, clean: Double?, errors: [String: [Int: Double]]) {
    self.name = name
    self.clean = clean
    self.errors = errors
  }

  /// The error at (corruption, severity), if known.
  public func error(_ corruption: String, _ severity: Int) -> Double? { errors[corruption]?[severity] }

  /// torchvision AlexNet on ImageNet-C (the top-1 errors published in the ImageNet-C README,
  /// hendrycks/robustness, 2019-2020, the normaliser of mCE); clean error 43.478%. Only
  /// meaningful for 1000-class ImageNet models.
  public static let alexNet: Baseline = {
    let table: [(String, [Double])] = [
      ("gaussian_noise", [0.69528, 0.82542, 0.93554, 0.98138, 0.99452]),
      ("shot_noise", [0.71224, 0.85108, 0.93574, 0.98182, 0.99146]),
      ("impulse_noise", [0.78374, 0.89808, 0.94870, 0.98720, 0.99548]),
      ("defocus_blur", [0.65624, 0.73202, 0.85036, 0.91364, 0.94714]),
      ("glass_blur", [0.64308, 0.75054, 0.88806, 0.91622, 0.93344]),
      ("motion_blur", [0.58430, 0.70048, 0.82108, 0.89750, 0.92638]),
      ("zoom_blur", [0.70008, 0.76992, 0.80784, 0.84198, 0.87198]),
      ("snow", [0.71726, 0.88392, 0.86468, 0.91870, 0.94952]),
      ("frost", [0.61390, 0.79734, 0.88790, 0.89942, 0.93430]),
      ("fog", [0.67474, 0.76050, 0.84378, 0.87260, 0.94500]),
      ("brightness", [0.45140, 0.48502, 0.54048, 0.62166, 0.72440]),
      ("contrast", [0.64548, 0.76150, 0.88874, 0.97760, 0.99270]),
      ("elastic_transform", [0.52596, 0.70116, 0.55686, 0.64076, 0.80554]),
      ("pixelate", [0.52218, 0.54620, 0.73728, 0.87092, 0.91262]),
      ("jpeg_compression", [0.51002, 0.54718, 0.57294, 0.65458, 0.74778]),
      ("speckle_noise", [0.66192, 0.74440, 0.90246, 0.94548, 0.97268]),
      ("gaussian_blur", [0.54732, 0.70444, 0.82574, 0.89864, 0.95940]),
      ("spatter", [0.47196, 0.62194, 0.75052, 0.84132, 0.90182]),
      ("saturate", [0.59342, 0.65514, 0.51174, 0.70834, 0.82260]),
    ]
    var errors: [String: [Int: Double]] = [:]
    for (name, values) in table {
      errors[name] = Dictionary(uniqueKeysWithValues: values.enumerated().map { ($0.offset + 1, $0.element) })
    }
    return Baseline(name: "alexnet", clean: 0.43478, errors: errors)
  }()

  /// The baseline `gradcam table` normalises `model` by, or why there is none. A user file applies
  /// to any model; AlexNet's only to an ImageNet-1k model (1000 classes in its run's meta.json)
  /// on ImageNet-C corruptions; without `requested`, the baseline the run recorded (`evaluate` chose
  /// AlexNet for 1000-class models, or took `--baseline`).
  public static func applying(_ requested: Baseline?, to model: ModelResults) -> (baseline: Baseline?, reason: String?) {
    if let requested, requested != .alexNet { return (requested, nil) }
    guard let meta = model.meta else {
      if requested == .alexNet { return (requested, nil) }
      return (nil, "\(model.model): no meta.json beside its results.csv to tell which baseline applies (give --baseline alexnet or FILE)")
    }
    if requested == .alexNet || meta.baseline == .alexNet {
      guard meta.classes == 1000 else {
        return (nil, "\(model.model): the AlexNet baseline is for ImageNet-1k models on ImageNet-C; this model has \(meta.classes) classes (give --baseline FILE)")
      }
      return (.alexNet, nil)
    }
    guard let own = meta.baseline else {
      return (nil, "\(model.model): its run has no CE baseline (a \(meta.classes)-class model; give --baseline FILE)")
    }
    return (own, nil)
  }

  /// Reads a baseline CSV: a header, then `corruption,severity,error` lines (error a fraction,
  /// or a percentage when any value exceeds 1); `clean,0,<error>` gives the clean error.
  public static func read(_ url: URL) throws -> Baseline {
    let text = try ResultsLimits.readText(url)
    var rows: [(String, Int, Double)] = []
    for (n, raw) in text.split(whereSeparator: \.isNewline).enumerated() {
      let line = raw.trimmingCharacters(in: .whitespaces)
      if line.isEmpty || line.hasPrefix("#") { continue }
      let f = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
      if n == 0 && f.count >= 3 && Double(f[2]) == nil { continue }  // header
      guard f.count == 3, let s = Int(f[1]), (0...5).contains(s), let e = Double(f[2]), e >= 0, e.isFinite,
        f[0].utf8.count <= ResultsLimits.maximumNameLength
      else {
        throw EvaluationError.format("\(url.path):\(n + 1): expected corruption,severity,error")
      }
      rows.append((f[0], s, e))
      guard rows.count <= 6 * ResultsLimits.maximumCorruptions else {
        throw EvaluationError.format("\(url.path): more than \(6 * ResultsLimits.maximumCorruptions) baseline errors")
      }
    }
    guard !rows.isEmpty else { throw EvaluationError.format("\(url.path): no baseline errors") }
    let scale = rows.contains { $0.2 > 1 } ? 0.01 : 1
    var errors: [String: [Int: Double]] = [:]
    var clean: Double?
    for (c, s, e) in rows {
      if c == EvalRow.clean || s == 0 { clean = e * scale } else { errors[c, default: [:]][s] = e * scale }
    }
    return Baseline(name: url.lastPathComponent, clean: clean, errors: errors)
  }
}
