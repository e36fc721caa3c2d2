import Foundation

/// How far a class-activation map moved from a reference map (usually the clean image's).
///
/// All four numbers are computed on maps of the same size, non-negative (as CAMs are after ReLU):
/// - `rankCorrelation`: Spearman's ρ of the pixel values (average ranks for ties); 1 = same order.
/// - `topIoU`: intersection over union of the two maps' top-20% pixels (by count, ties broken by
///   pixel index so the regions have exactly the same size).
/// - `centerShift`: distance between the maps' centres of mass, in pixels of `scale` (e.g. the
///   display image's pixels per map pixel).
/// - `entropyChange`: Shannon entropy (bits) of the map as a distribution, minus the reference's;
///   positive = attention spread out.
///
/// Everywhere these numbers are written (the sweep's JSON report, `evaluate`'s rows.csv, cam.csv and
/// summary.json, `plot`/`table --metric`) they are named `rank_corr`, `top_iou`, `center_shift` and
/// `entropy_change`; decoding also reads the earlier camelCase names.
public struct AttentionShift: Codable, Equatable, Sendable {
  public var rankCorrelation: Double
  public var topIoU: Double
  public var centerShift: Double
  public var entropyChange: Double

  /// The four names, in the order of the fields (CSV columns, JSON keys).
  public static let metricNames = ["rank_corr", "top_iou", "center_shift", "entropy_change"]

  enum CodingKeys: String, CodingKey {
    case rankCorrelation = "rank_corr", topIoU = "top_iou", centerShift = "center_shift", entropyChange = "entropy_change"
  }

  /// The names of files written before the names were unified.
  private enum OldKeys: String, CodingKey { case rankCorrelation, rank_correlation, topIoU, top_iou, centerShift, entropyChange }

  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    if c.contains(.rankCorrelation) {
      rankCorrelation = try c.decode(Double.self, forKey: .rankCorrelation)
      topIoU = try c.decode(Double.self, forKey: .topIoU)
      centerShift = try c.decode(Double.self, forKey: .centerShift)
      entropyChange = try c.decode(Double.self, forKey: .entropyChange)
    } else {
      let o = try decoder.container(keyedBy: OldKeys.self)
      rankCorrelation = try o.decodeIfPresent(Double.self, forKey: .rankCorrelation) ?? o.decode(Double.self, forKey: .rank_correlation)
      topIoU = try o.decodeIfPresent(Double.self, forKey: .topIoU) ?? o.decode(Double.self, forKey: .top_iou)
      centerShift = try o.decode(Double.self, forKey: .centerShift)
      entropyChange = try o.decode(Double.self, forKey: .entropyChange)
    }
  }

  /// The four numbers as given (e.g. read back from a file).
  public init(rankCorrelation: Double, topIoU: Double, centerShift: Double, entropyChange: Double) {
    self.rankCorrelation = rankCorrelation
    self.topIoU = topIoU
    self.centerShift = centerShift
    self.entropyChange = entropyChange
  }

  /// The four numbers in the order of ``metricNames``.
  public var values: [Double] { [rankCorrelation, topIoU, centerShift, entropyChange] }

  /// Share of pixels in the "top" regions compared by `topIoU`.
  public static let topFraction = 0.2

  /// Compares `map` with `reference`, both `width x height` row-major.
  public init(map: [Float], reference: [Float], width: Int, height: Int, scale: Double = 1) {
    precondition(map.count == width * height && reference.count == map.count, "AttentionShift: maps must both be \(width)x\(height)")
    rankCorrelation = Self.spearman(map, reference)
    topIoU = Self.topIoU(map, reference, fraction: Self.topFraction)
    let a = Self.centerOfMass(map, width: width), b = Self.centerOfMass(reference, width: width)
    centerShift = ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot() * scale
    entropyChange = Self.entropy(map) - Self.entropy(reference)
  }

  /// Average ranks (1-based), ties sharing the mean of their positions.
  /// Indices of `v` ordered by value (ascending, or descending), ties by index: one sort of
  /// packed integer keys instead of a comparison closure per step (a sweep ranks ~200 maps of
  /// 50,000 pixels).
  static func order(_ v: [Float], descending: Bool = false) -> [Int] {
    precondition(v.count <= Int(UInt32.max), "AttentionShift: map too large")
    var keys = [UInt64](unsafeUninitializedCapacity: v.count) { keys, count in
      for (i, x) in v.enumerated() {
        // IEEE order as unsigned integers (-0 taken as +0, as == does).
        let bits = (x + 0).bitPattern
        var key = bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
        if descending { key = ~key }
        keys[i] = UInt64(key) << 32 | UInt64(i)
      }
      count = v.count
    }
    keys.sort()
    return keys.map { Int($0 & 0xFFFF_FFFF) }
  }

  static func ranks(_ v: [Float]) -> [Double] {
    let order = order(v)
    var r = [Double](repeating: 0, count: v.count)
    var i = 0
    while i < order.count {
      var j = i
      while j + 1 < order.count && v[order[j + 1]] == v[order[i]] { j += 1 }
      let average = Double(i + j) / 2 + 1
      for k in i...j { r[order[k]] = average }
      i = j + 1
    }
    return r
  }

  /// Spearman's rank correlation; 0 when either map is constant.
  static func spearman(_ a: [Float], _ b: [Float]) -> Double {
    pearson(ranks(a), ranks(b))
  }

  static func pearson(_ x: [Double], _ y: [Double]) -> Double {
    let n = Double(x.count)
    let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
    var sxy = 0.0, sxx = 0.0, syy = 0.0
    for i in x.indices {
      sxy += (x[i] - mx) * (y[i] - my)
      sxx += (x[i] - mx) * (x[i] - mx)
      syy += (y[i] - my) * (y[i] - my)
    }
    return sxx > 0 && syy > 0 ? sxy / (sxx * syy).squareRoot() : 0
  }

  /// Indices of the `fraction` highest pixels (at least one).
  static func topSet(_ v: [Float], fraction: Double) -> Set<Int> {
    let k = max(1, Int((Double(v.count) * fraction).rounded()))
    return Set(order(v, descending: true).prefix(k))
  }

  static func topIoU(_ a: [Float], _ b: [Float], fraction: Double) -> Double {
    let sa = topSet(a, fraction: fraction), sb = topSet(b, fraction: fraction)
    return Double(sa.intersection(sb).count) / Double(sa.union(sb).count)
  }

  /// Centre of mass in pixel coordinates (pixel centres at integer + 0.5); the image centre for
  /// an all-zero map. `centerShift` is the distance between two of these, times `scale`.
  public static func centerOfMass(_ v: [Float], width: Int) -> (x: Double, y: Double) {
    var total = 0.0, sx = 0.0, sy = 0.0
    for (i, m) in v.enumerated() where m > 0 {
      total += Double(m)
      sx += Double(m) * (Double(i % width) + 0.5)
      sy += Double(m) * (Double(i / width) + 0.5)
    }
    let height = v.count / max(width, 1)
    return total > 0 ? (sx / total, sy / total) : (Double(width) / 2, Double(height) / 2)
  }

  /// Entropy in bits of the map normalised to sum 1 (uniform for an all-zero map).
  static func entropy(_ v: [Float]) -> Double {
    let total = v.reduce(0.0) { $0 + Double(max($1, 0)) }
    guard total > 0 else { return log2(Double(v.count)) }
    return -v.reduce(0.0) { acc, m in
      let p = Double(max(m, 0)) / total
      return p > 0 ? acc + p * log2(p) : acc
    }
  }
}
