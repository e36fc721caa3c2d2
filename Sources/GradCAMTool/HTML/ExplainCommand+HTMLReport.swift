import AtomicFiles
import ArgumentParser
import Corruptions
import Foundation
import Networks
import Render
import Zoo

/// `--out report.html`: the sweep as one interactive page, with several models side by side.
extension ExplainCommand {
  /// True when --out names an .html file.
  var isHTMLReport: Bool { out.map { URL(fileURLWithPath: $0).pathExtension.lowercased() == "html" } ?? false }

  /// The models of --model: a comma-separated list of names for an HTML report, else the one
  /// model (a checkpoint path may hold commas).
  var modelNames: [String] {
    let given = modelOptions.modelName ?? BundledModels.defaultName
    let names = given.split(separator: ",", omittingEmptySubsequences: false)
      .map { $0.trimmingCharacters(in: .whitespaces) }
    guard isHTMLReport, names.count > 1, modelOptions.arch == nil, modelOptions.weights == nil,
      !FileManager.default.fileExists(atPath: given)
    else { return [given] }
    return names
  }

  func validateHTMLReport() throws {
    let given = modelOptions.modelName ?? BundledModels.defaultName
    let names = given.split(separator: ",", omittingEmptySubsequences: false)
    if !isHTMLReport, names.count > 1, modelOptions.arch == nil, !FileManager.default.fileExists(atPath: given) {
      throw ValidationError("several models (--model \(given)) need an HTML report: --out report.html")
    }
    if isHTMLReport, modelNames.contains(where: \.isEmpty) { throw ValidationError("--model has an empty name") }
    if isHTMLReport, Set(modelNames).count != modelNames.count { throw ValidationError("--model names a model twice") }
  }

  /// Runs the sweep for every model, then writes the page to `pageURL` (and --report,
  /// --maps-dir); with several models the JSON report is an array of one report per model, in
  /// --model order, and maps go to DIR/<model>/<image>/.
  func writeHTMLReport(to pageURL: URL, corruptions: [Corruption], severities: [Int]) throws {
    // Refuse before the work, not after: every output is checked, and all are written at the end.
    let plan = OutputPlan(inputs: images + modelOptions.inputFiles)
    let pageOutput = try plan.file(pageURL.path)
    let reportOutput = try report.map { try plan.file($0, allowStdout: true) }
    let mapsFolder = try mapsDir.map { try plan.folder($0) }
    let names = modelNames
    // Several models are bundled or zoo names (files need --arch): check them all before the first sweep.
    if names.count > 1, let unknown = names.first(where: { !BundledModels.names.contains($0) && ZooCatalog.model(named: $0) == nil }) {
      throw ZooError.unknownModel(unknown, known: Zoo.names)
    }
    var runs: [ModelSweep] = []
    for name in names {
      var options = modelOptions
      options.modelName = name
      runs.append(try sweep(options, corruptions: corruptions, severities: severities, tag: names.count > 1 ? name : nil))
    }
    var page = HTMLReport(sweep: runs, corruptions: corruptions, severities: severities)
    page.display.colorMap = try colormap.value()
    page.display.sharedScale = try scale.value() == .sharedAuto
    page.display.imageWeight = alpha
    let html = try page.html()
    let bytes = html.count
    try plan.write(html, to: pageOutput)
    if let mapsFolder {
      for (name, run) in zip(names, runs) {
        let modelFolder = names.count > 1 ? try plan.folder(mapsFolder.appendingPathComponent(Self.folderName(name)).path) : mapsFolder
        try run.writeMaps(into: modelFolder, plan: plan, raw: rawMaps)
      }
    }
    if let reportOutput {
      let reports = runs.map(\.report)
      if reports.count == 1 {
        try plan.write(try reports[0].encoded(), to: reportOutput)
      } else {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try plan.write(try encoder.encode(reports), to: reportOutput)
      }
    }
    try plan.commit()
    if let warning = HTMLReport.sizeWarning(bytes: bytes, path: pageURL.path) {
      FileHandle.standardError.write("warning: \(warning)\n")
    }
    if !quiet { FileHandle.standardError.write("wrote \(pageURL.path) (\(HTMLReport.megabytes(bytes)))\n") }
  }

  /// A model name as one folder name (checkpoint paths lose their folders).
  static func folderName(_ model: String) -> String {
    String(model.map { $0 == "/" || $0 == " " ? "_" : $0 })
  }
}
