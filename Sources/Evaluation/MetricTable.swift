import Corruptions
import Foundation

/// Models x corruptions tables of a per-image ``RowMetric`` (attention shift): each entry the mean
/// over the corruption's severities and images with its 95% confidence interval (over per-image
/// means), and a `mean` column over every corrupted row.
public enum MetricTable {
  /// The table text (ends with a newline) for `runs` (model name, rows of its run).
  public static func render(_ runs: [(model: String, rows: [EvalRow])], metric: RowMetric, format: ResultsTable.Format, transpose: Bool = false) throws -> String {
    var corruptions: [String] = []
    for run in runs {
      for r in run.rows where (r.corruption != EvalRow.clean || metric.includesClean) && metric.value(r) != nil && !corruptions.contains(r.corruption) {
        corruptions.append(r.corruption)
      }
    }
    guard !corruptions.isEmpty else {
      throw EvaluationError.format("no \(metric.rawValue) values in the rows (run `gradcam \(metric.producer)`)")
    }
    let rank = Dictionary(uniqueKeysWithValues: Corruption.all.map(\.name).enumerated().map { ($0.element, $0.offset) })
    let order = { (c: String) in rank[c] ?? (c == EvalRow.clean ? -1 : Int.max) }
    corruptions.sort { (order($0), $0) < (order($1), $1) }
    func entry(_ s: MetricStatistics) -> [String] {
      guard s.images > 0 else { return format == .csv ? ["", ""] : ["–"] }
      let m = String(format: "%.3f", s.mean), ci = s.ci95.isFinite ? String(format: "%.3f", s.ci95) : ""
      switch format {
      case .csv: return [m, ci]
      case .markdown, .latex: return [ci.isEmpty ? m : "\(m) ± \(ci)"]
      }
    }
    let columns = ["mean"] + corruptions
    let header = ["Model"] + (format == .csv ? columns.flatMap { [$0, "\($0)_ci95"] } : columns)
    let rows = runs.map { run -> [String] in
      let corrupted = { (r: EvalRow) in r.corruption != EvalRow.clean }
      var line = [run.model] + entry(MetricStatistics.imageMeans(run.rows, metric: metric, where: corrupted))
      for c in corruptions { line += entry(MetricStatistics.imageMeans(run.rows, metric: metric, where: { $0.corruption == c })) }
      return line
    }
    return ResultsTable.layout(header: header, rows: rows, format: format, transpose: transpose)
  }

  /// Per model: the mean and 95% interval of `metric` at each severity, for `corruption` or (nil)
  /// averaged over corruptions per image.
  public static func curve(_ rows: [EvalRow], metric: RowMetric, corruption: String?) -> [(severity: Int, stats: MetricStatistics)] {
    let severities = Set(rows.filter { ($0.corruption != EvalRow.clean || metric.includesClean) && metric.value($0) != nil }.map(\.severity)).sorted()
    return severities.map { s in
      (s, MetricStatistics.imageMeans(rows, metric: metric, where: {
        $0.severity == s && (s == 0 || ($0.corruption != EvalRow.clean && (corruption == nil || $0.corruption == corruption)))
      }))
    }
  }
}
