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
      baseline (AlexNet = 100). Markdown and LaTeX name corruptions for people (Gaussian noise), \
      CSV by their canonical names (gaussian_noise). LaTeX tables use booktabs (\\usepackage{booktabs}); \
      --transpose puts corruptions in rows and models in columns, which fits a page.
      """)

  @Argument(help: "results.csv files (one model per file, or several).")
  var results: [String]

  @Option(help: ArgumentHelp("markdown, latex or csv.", valueName: "name"))
  var format = TableFormat(argument: "markdown")

  @Option(help: ArgumentHelp("error (top-1 error per corruption) or ce (CE per corruption, mCE, relative mCE).", valueName: "name"))
  var metric = TableMetric(argument: "error")

  @Option(help: ArgumentHelp("Baseline of --metric ce: alexnet or a CSV of corruption,severity,error.", valueName: "name|file"))
  var baseline: String = "alexnet"

  @Flag(help: "One row per corruption and one column per model (fits a page).")
  var transpose = false

  func run() throws {
    let f = try format.value()
    let m = try metric.value()
    let base = baseline == "alexnet" ? Baseline.alexNet : try Baseline.read(URL(fileURLWithPath: baseline))
    let models = try ResultsFile.read(results.map { URL(fileURLWithPath: $0) })
    print(try ResultsTable.render(models, metric: m, format: f, baseline: base, transpose: transpose), terminator: "")
  }
}
