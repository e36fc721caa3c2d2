import AtomicFiles
import ArgumentParser
import Evaluation
import Foundation
import Imaging
import Render

/// `gradcam plot`: error vs severity from results.csv files (the ImageNet-C paper's Fig. 1).
struct PlotCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plot",
    abstract: "Plot top-1 error against severity, one line per model, from results.csv files.",
    discussion: """
      Severity 0 is the clean error. --layout panels (default) draws the average over corruptions \
      (with the legend) above one small panel per corruption; --layout mean draws the average \
      alone and --corruption NAME one corruption. PNG, PDF or SVG by the file extension.
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

  /// More panels per row than corruptions exist makes no figure wider.
  static let maximumColumns = 32

  func validate() throws {
    try requireRange(columns, 1...Self.maximumColumns, "--columns")
  }

  func run() throws {
    let plan = OutputPlan(inputs: results)
    let output = try plan.file(out)
    let models = try ResultsFile.read(results.map { URL(fileURLWithPath: $0) })
    let url = URL(fileURLWithPath: out)
    let format = try FigureFormat(fileExtensionOf: url)
    var corruptions: [String] = []
    for m in models { for c in m.cells where c.corruption != EvalRow.clean && !corruptions.contains(c.corruption) { corruptions.append(c.corruption) } }
    if let corruption {
      try plan.write(try plot(models, corruption: corruption).render(format: format), to: output)
      return try plan.commit()
    }
    switch try layout?.value() ?? .panels {
    case .mean:
      try plan.write(try plot(models, corruption: nil).render(format: format), to: output)
    case .panels:
      var average = plot(models, corruption: nil)
      average.width = 380
      average.height = 230
      let grid = LinePlotGrid(
        header: average, panels: corruptions.map { plot(models, corruption: $0, compact: true) }, columns: columns)
      try plan.write(try grid.render(format: format), to: output)
    }
    try plan.commit()
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
    // Small panels leave the legend to the average panel.
    return LinePlot(
      title: corruption ?? "average over corruptions", yLabel: "top-1 error (%)",
      series: compact ? series.map { LinePlot.Series(name: "", x: $0.x, y: $0.y) } : series,
      xTicks: [0, 1, 2, 3, 4, 5], xTickLabels: ["clean", "1", "2", "3", "4", "5"])
  }
}
