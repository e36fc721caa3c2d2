import AtomicFiles
import ArgumentParser
import Evaluation
import Foundation
import Corruptions
import Imaging
import Render

/// `gradcam plot`: error vs severity from results.csv files (the ImageNet-C paper's Fig. 1).
struct PlotCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plot",
    abstract: "Plot top-1 error against severity, one line per model, from results.csv files.",
    discussion: """
      Severity 0 is the clean error. --layout panels (default) draws the average over corruptions \
      (with the one legend of the figure: one line per model, several results.csv files give \
      several models) above one small panel per corruption; --layout mean draws the average \
      alone and --corruption NAME one corruption. Panels are titled with human corruption names \
      ("Gaussian noise"). The y axis starts at 0 (--y-range). PNG (with its --dpi recorded in \
      the file), PDF or SVG by the file extension.
      """)

  @Argument(help: "results.csv files; the model column names the lines.")
  var results: [String]

  @Option(name: .shortAndLong, help: ArgumentHelp("Figure file (.png, .pdf, .svg).", valueName: "file"))
  var out: String

  @Option(help: ArgumentHelp("panels (default) or mean.", valueName: "name"))
  var layout: PlotLayout?

  @Option(help: ArgumentHelp("Plot this corruption only.", valueName: "name"))
  var corruption: String?

  @Option(help: "Panels per row with --layout panels (1-\(PlotCommand.maximumColumns)).")
  var columns: Int = 4

  @Option(help: ArgumentHelp(
    "zero (each panel from 0 to its own top), shared (every panel from 0 to the figure's top), independent (each panel fitted to its data) or MIN:MAX.",
    valueName: "mode"))
  var yRange = PlotYRange(argument: "zero")

  @Option(help: ArgumentHelp("Title of the main plot (default: the average over corruptions, or the corruption).", valueName: "text"))
  var title: String?

  @Flag(help: "No title over the main plot (panel titles stay).")
  var noTitle = false

  @Option(help: ArgumentHelp("Base font size in points (tick labels 1 pt smaller, titles 1.5 pt larger).", valueName: "pt"))
  var fontSize: Double = 7.5

  @Option(help: "Raster resolution of PNG output, in dots per inch (written into the PNG).")
  var dpi: Double = 216

  /// More panels per row than corruptions exist makes no figure wider.
  static let maximumColumns = 32

  func validate() throws {
    _ = try yRange.value()
    try requireRange(columns, 1...Self.maximumColumns, "--columns")
    guard dpi >= 36, dpi <= 1200 else { throw ValidationError("--dpi must be in 36...1200") }
    guard fontSize >= 4, fontSize <= 24 else { throw ValidationError("--font-size must be in 4...24") }
    if title != nil && noTitle { throw ValidationError("--title and --no-title exclude each other") }
  }

  @Option(help: ArgumentHelp("error (top-1 error, default) or a per-image metric: rank_corr, top_iou, center_shift, entropy_change (evaluate --cam), deletion_auc, insertion_auc, road (evaluate --cam --faithfulness; severity 0 = clean) (mean over images with a shaded 95% confidence band, from the rows.csv beside each results.csv).", valueName: "name"))
  var metric = TableMetric(argument: "error")

  func run() throws {
    let plan = OutputPlan(inputs: results)
    let output = try plan.file(out)
    let models = try ResultsFile.read(results.map { URL(fileURLWithPath: $0) })
    let url = URL(fileURLWithPath: out)
    let format = try FigureFormat(fileExtensionOf: url)
    var corruptions: [String] = []
    for m in models { for c in m.cells where c.corruption != EvalRow.clean && !corruptions.contains(c.corruption) { corruptions.append(c.corruption) } }
    let panel: (String?, Bool) -> LinePlot
    switch try metric.value() {
    case .results(.error): panel = { plot(models, corruption: $0, compact: $1) }
    case .results(.ce): throw CLIError("plot draws --metric error or a per-image metric (\(RowMetric.allCases.map(\.rawValue).joined(separator: ", "))); CE is in gradcam table")
    case .perImage(let m):
      let runs = try MetricRuns(results: results, metric: m)
      panel = { runs.plot(corruption: $0, compact: $1) }
    }
    if let corruption {
      var single = [panel(corruption, false)]
      try styled(&single)
      try plan.write(try single[0].render(format: format), to: output)
      return try plan.commit()
    }
    switch try layout?.value() ?? .panels {
    case .mean:
      var single = [panel(nil, false)]
      try styled(&single)
      try plan.write(try single[0].render(format: format), to: output)
    case .panels:
      var plots = [panel(nil, false)] + corruptions.map { panel($0, true) }
      plots[0].width = 380
      plots[0].height = 230
      try styled(&plots)
      var grid = LinePlotGrid(header: plots[0], panels: Array(plots.dropFirst()), columns: columns)
      grid.pixelsPerPoint = dpi / 72
      try plan.write(try grid.render(format: format), to: output)
    }
    try plan.commit()
  }

  /// Applies the y range, title, font size and resolution options; `plots[0]` is the main plot.
  private func styled(_ plots: inout [LinePlot]) throws {
    let range = try yRange.value()
    let top = plots.flatMap { $0.series.flatMap(\.y) }.filter(\.isFinite).max() ?? 1
    for k in plots.indices {
      plots[k].fontSize = fontSize
      plots[k].pixelsPerPoint = dpi / 72
      switch range {
      case .zero: plots[k].yIncludesZero = true
      case .shared: plots[k].yRange = LinePlot.niceRange(0, top)
      case .independent: break
      case .fixed(let r): plots[k].yRange = r
      }
    }
    if let title { plots[0].title = title }
    if noTitle { plots[0].title = "" }
  }

  /// Error (%) against severity 0...5 for one corruption, or averaged over corruptions per severity.
  private func plot(_ models: [ModelResults], corruption: String?, compact: Bool = false) -> LinePlot {
    let series = models.map { m -> LinePlot.Series in
      var x: [Double] = [], y: [Double] = []
      if let clean = m.cells.first(where: { $0.corruption == EvalRow.clean }) {
        x.append(0)
        y.append(clean.error * 100)
      }
      for s in 1...5 {
        let cells = m.cells.filter { $0.severity == s && $0.corruption != EvalRow.clean && (corruption == nil || $0.corruption == corruption) }
        guard !cells.isEmpty else { continue }
        x.append(Double(s))
        y.append(cells.map(\.error).reduce(0, +) / Double(cells.count) * 100)
      }
      return LinePlot.Series(name: m.model, x: x, y: y)
    }
    var plot = LinePlot(
      title: corruption.map(Corruption.label(forName:)) ?? "Average over corruptions", yLabel: "top-1 error (%)",
      series: series, xTicks: [0, 1, 2, 3, 4, 5], xTickLabels: ["clean", "1", "2", "3", "4", "5"])
    // Small panels leave the legend to the average panel.
    plot.showsLegend = !compact
    return plot
  }
}
