import ArgumentParser
import Evaluation
import Foundation

/// `gradcam table`: models x corruptions from results.csv files.
struct TableCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "table",
    abstract: "Print a models x corruptions table (top-1 error or CE/mCE) from results.csv files.",
    discussion: """
      Errors are in %, per corruption the mean over its severities. CE and mCE are in % of the \
      baseline (baseline = 100): by default the one each run recorded in the meta.json beside its \
      results.csv (evaluate uses AlexNet's ImageNet-C errors for 1000-class models and none \
      otherwise); --baseline alexnet applies only to ImageNet-1k models; --baseline FILE (a CSV of \
      corruption,severity,error lines, errors as fractions or %, clean,0,error for relative mCE) to \
      every model. Models without a baseline get no CE (–); when none has one, the command says why. \
      Markdown and LaTeX name corruptions for people (Gaussian noise), CSV by their canonical names \
      (gaussian_noise). LaTeX tables use booktabs (\\usepackage{booktabs}); --transpose puts \
      corruptions in rows and models in columns, which fits a page.
      """)

  @Argument(help: "results.csv files (one model per file, or several).")
  var results: [String]

  @Option(help: ArgumentHelp("markdown, latex or csv.", valueName: "name"))
  var format = TableFormat(argument: "markdown")

  @Option(help: ArgumentHelp("error (top-1 error per corruption), ce (CE per corruption, mCE, relative mCE), or a per-image metric: rank_corr, top_iou, center_shift, entropy_change (evaluate --cam), deletion_auc, insertion_auc, road (evaluate --cam --faithfulness) (mean ± 95% confidence interval over images, from the rows.csv beside each results.csv).", valueName: "name"))
  var metric = TableMetric(argument: "error")

  @Option(help: ArgumentHelp("Baseline of --metric ce: alexnet (ImageNet-1k models only) or a CSV of corruption,severity,error (default: each run's, from its meta.json).", valueName: "name|file"))
  var baseline: String?

  @Flag(help: "One row per corruption and one column per model (fits a page).")
  var transpose = false

  func run() throws {
    let f = try format.value()
    let choice = try metric.value()
    if case .perImage(let rowMetric) = choice {
      let urls = results.map { URL(fileURLWithPath: $0) }
      let runs = try urls.map { url -> (model: String, rows: [EvalRow]) in
        let name = try ResultsFile.read(url).first?.model ?? url.deletingLastPathComponent().lastPathComponent
        return (name, try ResultsFile.rows(beside: url))
      }
      print(try MetricTable.render(runs, metric: rowMetric, format: f, transpose: transpose), terminator: "")
      return
    }
    guard case .results(let m) = choice else { return }
    let requested = try baseline.map { $0 == "alexnet" ? Baseline.alexNet : try Baseline.read(URL(fileURLWithPath: $0)) }
    let models = try ResultsFile.read(results.map { URL(fileURLWithPath: $0) })
    var baselines = models.map { _ in requested }
    if m == .ce {
      let resolved = models.map { Baseline.applying(requested, to: $0) }
      baselines = resolved.map(\.baseline)
      let reasons = resolved.compactMap(\.reason)
      if baselines.allSatisfy({ $0 == nil }) { throw CLIError("no CE/mCE: " + reasons.joined(separator: "; ")) }
      for r in reasons { FileHandle.standardError.write("note: no CE for \(r)\n") }
    }
    print(try ResultsTable.render(models, metric: m, format: f, baselines: baselines, transpose: transpose), terminator: "")
  }
}
