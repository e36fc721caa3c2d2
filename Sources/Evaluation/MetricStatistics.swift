import Foundation

/// Mean and 95% confidence interval of one ``RowMetric`` over images.
public struct MetricStatistics: Equatable, Sendable {
  /// Images with a value.
  public var images: Int
  public var mean: Double
  /// Half-width of the 95% confidence interval of the mean (Student t, sample standard deviation);
  /// NaN for fewer than 2 images.
  public var ci95: Double

  /// The statistics of `values` (one per image).
  public init(_ values: [Double]) {
    images = values.count
    mean = values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
    if values.count < 2 {
      ci95 = .nan
    } else {
      let m = mean
      let variance = values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)
      ci95 = StudentT.quantile975(df: values.count - 1) * (variance / Double(values.count)).squareRoot()
    }
  }

  /// Per (corruption, severity): the statistics of `metric` over the images of `rows`.
  public static func cells(_ rows: [EvalRow], metric: RowMetric) -> [String: [Int: MetricStatistics]] {
    var values: [String: [Int: [Double]]] = [:]
    for r in rows.sorted(by: { $0.key < $1.key }) {
      guard let v = metric.value(r) else { continue }
      values[r.corruption, default: [:]][r.severity, default: []].append(v)
    }
    return values.mapValues { $0.mapValues(MetricStatistics.init) }
  }

  /// Per image, the mean of `metric` over the rows that `include` selects, then the statistics
  /// of those per-image means (so the interval treats images, not rows, as the samples).
  public static func imageMeans(_ rows: [EvalRow], metric: RowMetric, where include: (EvalRow) -> Bool) -> MetricStatistics {
    var sums: [Int: (Double, Int)] = [:]
    for r in rows where include(r) {
      guard let v = metric.value(r) else { continue }
      let (s, n) = sums[r.image] ?? (0, 0)
      sums[r.image] = (s + v, n + 1)
    }
    return MetricStatistics(sums.keys.sorted().map { sums[$0]!.0 / Double(sums[$0]!.1) })
  }
}
