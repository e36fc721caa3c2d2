import Foundation

/// How far a class-activation map moved from a reference map (usually the clean image's).
///
/// All four numbers are computed on maps of the same size, non-negative (as CAMs are after ReLU):
/// - `rankCorrelation`: Spearman's ρ of the pixel values (average ranks for ties); 1 = same order;
///   0 when either map is constant.
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
    self.init(map: Profile(map, width: width), reference: Profile(reference, width: width), scale: scale)
  }

  /// Compares two maps' profiles (of maps of the same size): a sweep profiles its reference once
  /// and compares every cell with it.
  public init(map a: Profile, reference b: Profile, scale: Double = 1) {
    precondition(a.ranks.count == b.ranks.count, "AttentionShift: maps of \(a.ranks.count) and \(b.ranks.count) pixels")
    rankCorrelation = Self.pearson(a.ranks, b.ranks)
    var common = 0
    for i in a.top where b.isTop[i] { common += 1 }
    topIoU = Double(common) / Double(a.top.count + b.top.count - common)
    centerShift = ((a.center.x - b.center.x) * (a.center.x - b.center.x)
      + (a.center.y - b.center.y) * (a.center.y - b.center.y)).squareRoot() * scale
    entropyChange = a.entropy - b.entropy
  }

  /// What ``AttentionShift`` needs of one map: its average ranks (Spearman's ρ is the Pearson
  /// correlation of two maps' ranks), its top-``topFraction`` pixels, centre of mass and entropy.
  public struct Profile: Sendable {
    /// Average ranks (1-based) of the pixels, ties sharing the mean of their positions.
    let ranks: [Double]
    /// The top pixels: the highest values, ties broken by pixel index (lower first).
    let top: [Int]
    /// Whether each pixel is among `top`.
    let isTop: [Bool]
    let center: (x: Double, y: Double)
    let entropy: Double

    /// Profiles `map` (row-major, `width` pixels a row). One sort of the pixels serves both the
    /// ranks and the top set.
    public init(_ map: [Float], width: Int) {
      let order = AttentionShift.order(map)
      ranks = AttentionShift.ranks(map, order: order)
      top = AttentionShift.top(map, order: order, fraction: AttentionShift.topFraction)
      var isTop = [Bool](repeating: false, count: map.count)
      for i in top { isTop[i] = true }
      self.isTop = isTop
      center = AttentionShift.centerOfMass(map, width: width)
      entropy = AttentionShift.entropy(map)
    }
  }

  /// The key of a pixel value whose unsigned order is IEEE order (-0 taken as +0, as == does).
  @inline(__always)
  static func key(_ x: Float) -> UInt32 {
    let bits = (x + 0).bitPattern
    return bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
  }

  /// Indices of `v` in ascending order of value, ties by index: a stable radix
  /// sort of the values' integer keys (a sweep orders ~150 maps of 50,000 pixels), bytes that
  /// every key shares skipped.
  static func order(_ v: [Float]) -> [Int] {
    precondition(v.count <= Int(UInt32.max), "AttentionShift: map too large")
    let n = v.count
    // Key in the high half, index in the low half: the index rides along with its key.
    var items = [UInt64](unsafeUninitializedCapacity: n) { items, count in
      for (i, x) in v.enumerated() {
        items[i] = UInt64(key(x)) << 32 | UInt64(i)
      }
      count = n
    }
    var spare = [UInt64](repeating: 0, count: n)
    for shift in stride(from: 32, to: 64, by: 8) {
      var counts = [Int](repeating: 0, count: 256)
      for item in items { counts[Int(truncatingIfNeeded: item >> UInt64(shift)) & 255] += 1 }
      if counts.contains(n) { continue }
      var offset = 0
      for b in 0..<256 {
        let c = counts[b]
        counts[b] = offset
        offset += c
      }
      for item in items {
        let b = Int(truncatingIfNeeded: item >> UInt64(shift)) & 255
        spare[counts[b]] = item
        counts[b] += 1
      }
      swap(&items, &spare)
    }
    return items.map { Int($0 & 0xFFFF_FFFF) }
  }

  /// Average ranks (1-based) of `v` given its ascending `order`, ties sharing the mean of their
  /// positions.
  static func ranks(_ v: [Float], order: [Int]) -> [Double] {
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

  /// The Pearson correlation of `x` and `y` (0 when either is constant).
  public static func pearson(_ x: [Double], _ y: [Double]) -> Double {
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

  /// The `fraction` highest pixels of `v` (at least one), ties broken by lower index, given its
  /// ascending `order`: every pixel above the cut's value, then the lowest-index pixels of the
  /// cut's value (in `order` its run is sorted by index).
  static func top(_ v: [Float], order: [Int], fraction: Double) -> [Int] {
    guard !v.isEmpty else { return [] }
    let n = v.count, k = min(n, max(1, Int((Double(n) * fraction).rounded())))
    let cut = key(v[order[n - k]])
    var lo = n - k, hi = n - k
    while lo > 0 && key(v[order[lo - 1]]) == cut { lo -= 1 }
    while hi + 1 < n && key(v[order[hi + 1]]) == cut { hi += 1 }
    let above = n - 1 - hi
    return Array(order[(hi + 1)...]) + order[lo..<(lo + k - above)]
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
