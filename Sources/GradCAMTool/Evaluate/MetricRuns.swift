import Corruptions
import Evaluation
import Foundation
import Render

/// The runs `plot --metric rank_corr|...` draws: each results.csv's model name and the per-image
/// rows beside it.
struct MetricRuns {
  let metric: RowMetric
  let runs: [(model: String, rows: [EvalRow])]

  init(results: [String], metric: RowMetric) throws {
    self.metric = metric
    runs = try results.map { path in
      let url = URL(fileURLWithPath: path)
      let name = try ResultsFile.read(url).first?.model ?? url.deletingLastPathComponent().lastPathComponent
      let rows = try ResultsFile.rows(beside: url)
      guard rows.contains(where: { metric.value($0) != nil }) else {
        throw CLIError("\(path): its rows.csv has no \(metric.rawValue) values (run gradcam \(metric.producer))")
      }
      return (name, rows)
    }
  }

  /// The metric's mean against severity with its 95% confidence band, one series per run, for one
  /// corruption or (nil) averaged over corruptions per image.
  func plot(corruption: String?, compact: Bool) -> LinePlot {
    let series = runs.map { run -> LinePlot.Series in
      let curve = MetricTable.curve(run.rows, metric: metric, corruption: corruption)
      var s = LinePlot.Series(name: run.model, x: curve.map { Double($0.severity) }, y: curve.map(\.stats.mean))
      s.band = (curve.map { $0.stats.mean - $0.stats.ci95 }, curve.map { $0.stats.mean + $0.stats.ci95 })
      return s
    }
    let ticks = metric.includesClean ? [0, 1, 2, 3, 4, 5] : [1, 2, 3, 4, 5]
    var plot = LinePlot(
      title: corruption.map(Corruption.label(forName:)) ?? "Average over corruptions", yLabel: metric.label, series: series,
      xTicks: ticks.map(Double.init), xTickLabels: ticks.map { $0 == 0 ? "clean" : String($0) })
    // Small panels leave the legend to the average panel.
    plot.showsLegend = !compact
    return plot
  }
}
