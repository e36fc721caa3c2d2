import ArgumentParser
import Autodiff
import Corruptions
import Foundation
import GradCAM
import Imaging
import NPY
import Networks
import Render
import Suggestions

/// `gradcam explain` (the default command): a corruption-by-severity grid of CAM overlays.
struct ExplainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "explain",
    abstract: "Corrupt images at every severity, compute class-activation maps, render a heatmap grid.",
    discussion: """
      Rows are corruptions, columns the clean image and each severity. Each cell shows the map over \
      the (corrupted) image, the predicted class and its confidence, and a mark: a filled green \
      disc with a tick where the prediction is correct, a hollow red ring with a cross where not. \
      Correctness is judged against --label when given, else against the clean prediction, and \
      the figure says which. The explained class is the same in every cell (the label, else the \
      clean prediction), so maps are comparable along a row.

      --out report.html writes one self-contained interactive page instead of a figure (grid, \
      per-cell detail, attention-shift numbers); there --model a,b puts several models side by side.

      Exit codes: 0 success; 1 bad input or runtime error (one line on stderr, no partial output); \
      64 usage error.
      """)

  @OptionGroup var modelOptions: ModelOptions

  @Option(name: .customLong("image"), help: ArgumentHelp("Input image (.png, .jpg); repeat for several (one block each).", valueName: "file"))
  var images: [String] = []

  @Option(help: ArgumentHelp("Severities: 1-5, 1,3,5 or all.", valueName: "list"))
  var severities: String = "1-5"

  @Option(help: ArgumentHelp("Corruptions: benchmark (the 15 of ImageNet-C), all (19), or a list such as glass_blur,snow.", valueName: "list"))
  var corruptions: String = "benchmark"

  @Option(help: ArgumentHelp("CAM method: \(CAMMethod.allCases.map(\.rawValue).joined(separator: ", ")). Default: gradcam for CNNs, rollout for ViTs.", valueName: "name"))
  var method: String?

  @Option(help: ArgumentHelp("Layer to explain, by PyTorch path (default: the model's, e.g. layer4, layer3, blocks.-1.norm1).", valueName: "path"))
  var layer: String?

  @Option(help: ArgumentHelp("Ground-truth class (index or name): the explained class and the reference for correct/incorrect.", valueName: "N|name"))
  var label: String?

  @Option(help: "Seed of the random corruptions (numpy RandomState semantics).")
  var seed: UInt32 = 0

  @Option(name: .shortAndLong, help: ArgumentHelp("Figure file (.png, .pdf, .svg), or an interactive report (.html). Default: gradcam-<image>.png.", valueName: "file"))
  var out: String?

  @Option(help: ArgumentHelp("Write every raw map as .npy: DIR/<image>/<corruption>-s<severity>.npy and clean.npy.", valueName: "dir"))
  var mapsDir: String?

  @Option(help: ArgumentHelp("Write a JSON report (model, method, seed, versions, per-cell results and attention shift).", valueName: "file"))
  var report: String?

  @Option(help: ArgumentHelp("Colour map: jet (OpenCV), turbo, viridis, inferno.", valueName: "name"))
  var colormap: String = "jet"

  @Option(help: "Weight of the image in the overlay (pytorch-grad-cam's image_weight).")
  var alpha: Double = 0.5

  @Option(help: ArgumentHelp("per-cell (each map min-max on its own) or shared (one range for the figure, with a colour bar).", valueName: "mode"))
  var scale: String = "per-cell"

  @Flag(help: "Show each map minus the clean map, with a diverging colour map.")
  var diff = false

  @Flag(help: "Print the attention-shift numbers under each cell.")
  var showShift = false

  @Option(help: "Raster resolution of PNG output, in dots per inch.")
  var dpi: Double = 216

  @Option(help: "Images per forward/backward pass.")
  var batchSize: Int = 16

  @Flag(help: "No progress on stderr.")
  var quiet = false

  func validate() throws {
    guard !images.isEmpty else { throw ValidationError("give at least one --image") }
    guard ["per-cell", "shared"].contains(scale) else { throw ValidationError("--scale must be per-cell or shared") }
    guard ColorMap(rawValue: colormap) != nil, !ColorMap(rawValue: colormap)!.isDiverging else {
      throw ValidationError("--colormap must be one of jet, turbo, viridis, inferno")
    }
    guard (0...1).contains(alpha) else { throw ValidationError("--alpha must be between 0 and 1") }
    guard batchSize >= 1, dpi >= 36, dpi <= 1200 else { throw ValidationError("--batch-size must be >= 1 and --dpi in 36...1200") }
    if let out { guard ["png", "pdf", "svg", "html"].contains(URL(fileURLWithPath: out).pathExtension.lowercased()) else {
      throw ValidationError("--out must end in .png, .pdf, .svg or .html") } }
    try validateHTMLReport()
  }

  func run() throws {
    let corruptionList = try Corruption.parseList(corruptions)
    let severityList = try Severity.parseList(severities)
    if isHTMLReport { return try writeHTMLReport(corruptions: corruptionList, severities: severityList) }
    let (description, blocks) = try sweep(modelOptions, corruptions: corruptionList, severities: severityList)
    let figureURL = URL(fileURLWithPath: out ?? "gradcam-\(blocks[0].name).png")
    // Everything is computed before anything is written; each file is written atomically.
    let grid = makeGrid(blocks, description, corruptions: corruptionList, severities: severityList)
    try grid.write(to: figureURL, options: gridOptions())
    if let mapsDir { try writeMaps(blocks, to: URL(fileURLWithPath: mapsDir)) }
    if let report {
      try SweepReport(description, blocks: blocks, corruptions: corruptionList, severities: severityList)
        .write(to: URL(fileURLWithPath: report))
    }
    if !quiet { FileHandle.standardError.write("wrote \(figureURL.path)\n") }
  }

  /// Loads the model of `options` and runs the sweep over every image; `tag` (the model, when
  /// several run) goes into the progress lines.
  func sweep(_ options: ModelOptions, corruptions corruptionList: [Corruption], severities severityList: [Int], tag: String? = nil)
    throws -> (FigureDescription, [ImageBlock])
  {
    let loaded = try options.load()
    let methodName = method ?? (loaded.model is VisionTransformer ? "rollout" : "gradcam")
    let explainer = try CAMExplainer(model: loaded.model, method: try CAMMethod(parsing: methodName), layer: layer)
    let labelIndex = try label.map { try resolveLabel($0, names: loaded.classNames) }
    let inputs = images.map { URL(fileURLWithPath: $0) }
    let sources = try inputs.map { try ImageFile.read($0) }
    let sweep = ExplainSweep(loaded: loaded, explainer: explainer, batchSize: batchSize)
    var blocks: [ImageBlock] = []
    for (url, source) in zip(inputs, sources) {
      let name = url.deletingPathExtension().lastPathComponent, shown = tag.map { "\(name) [\($0)]" } ?? name
      let progress = Progress("\(shown): corrupting", total: 1, quiet: quiet)
      var cells = try corruptedCells(displayImage(source), corruptions: corruptionList, severities: severityList, seed: seed)
      progress.update(1)
      let camProgress = Progress("\(shown): \(methodName)", total: cells.count, quiet: quiet)
      let target = try sweep.run(&cells, label: labelIndex, progress: camProgress.update)
      blocks.append(ImageBlock(name: name, path: url.path, target: target, cells: cells))
    }
    let description = FigureDescription(
      model: loaded.name, method: methodName, layer: explainer.layer, seed: seed, labelGiven: labelIndex != nil,
      classNames: loaded.classNames)
    return (description, blocks)
  }

  private func resolveLabel(_ text: String, names: [String]) throws -> Int {
    if let n = Int(text) {
      guard names.indices.contains(n) else { throw CLIError("--label \(n) is outside 0..<\(names.count)") }
      return n
    }
    if let i = names.firstIndex(where: { $0.lowercased() == text.lowercased() }) { return i }
    let hint = closestMatches(to: text, in: names).first.map { "; did you mean '\($0)'?" } ?? ""
    throw CLIError("--label '\(text)' is not a class name of this model\(hint)")
  }

  private func gridOptions() -> HeatmapGridOptions {
    var o = HeatmapGridOptions()
    o.colorMap = ColorMap(rawValue: colormap)!
    o.imageWeight = Float(alpha)
    o.scale = scale == "shared" ? .sharedAuto : .perCell
    o.difference = diff ? .againstColumn(0, range: nil) : .off
    o.pixelsPerPoint = dpi / 72
    return o
  }

  private func makeGrid(_ blocks: [ImageBlock], _ d: FigureDescription, corruptions: [Corruption], severities: [Int]) -> HeatmapGrid {
    let headers = HeatmapGrid.Block.severityHeaders(severities)
    func row(_ block: ImageBlock, _ c: Corruption, header: String) -> HeatmapGrid.Row {
      var cells = [cell(block.cells[0], d, showShift: false)]
      for s in severities {
        cells.append(cell(block.cells.first { $0.corruption == c && $0.severity == s }!, d, showShift: showShift))
      }
      return HeatmapGrid.Row(header: header, cells: cells)
    }
    let gridBlocks: [HeatmapGrid.Block]
    if corruptions.count == 1 && blocks.count > 1 {
      // One corruption, several images: one row per image, as the paper's Fig. 2.
      let sameTarget = Set(blocks.map(\.target)).count == 1
      let rows = blocks.map { row($0, corruptions[0], header: sameTarget ? $0.name : "\($0.name) (\(d.classNames[$0.target]))") }
      let title = corruptions[0].rawValue + (sameTarget ? " — explaining \"\(d.classNames[blocks[0].target])\"" : "")
      gridBlocks = [HeatmapGrid.Block(title: title, columnHeaders: headers, rows: rows)]
    } else {
      gridBlocks = blocks.map { block in
        HeatmapGrid.Block(
          title: "\(block.name) — explaining \"\(d.classNames[block.target])\"", columnHeaders: headers,
          rows: corruptions.map { row(block, $0, header: $0.rawValue) })
      }
    }
    let judged = d.labelGiven ? "marks: prediction vs the given label" : "marks: prediction vs the clean image's prediction"
    return HeatmapGrid(
      title: "\(d.method)\(d.layer.map { " at \($0)" } ?? "") — \(d.model)",
      subtitle: "\(judged); corruption seed \(d.seed)", blocks: gridBlocks)
  }

  private func cell(_ x: SweepCell, _ d: FigureDescription, showShift: Bool) -> HeatmapGrid.Cell {
    let metric = showShift ? x.shift.map { String(format: "ρ=%.2f IoU=%.2f Δc=%.1f", $0.rankCorrelation, $0.topIoU, $0.centerShift) } : nil
    return HeatmapGrid.Cell(
      image: x.image, map: ScalarMap(width: x.mapWidth, height: x.mapHeight, values: x.map),
      caption: ["\(d.classNames[x.predicted]) \(String(format: "%.2f", x.confidence))"],
      marker: x.correct ? .correct : .incorrect, metric: metric)
  }

  func writeMaps(_ blocks: [ImageBlock], to dir: URL) throws {
    for block in blocks {
      let folder = dir.appendingPathComponent(block.name)
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      for x in block.cells {
        let array = NPYArray(shape: x.rawShape, floats: x.rawMap)
        try array.encoded().write(to: folder.appendingPathComponent("\(x.key).npy"), options: .atomic)
      }
    }
  }
}

/// What the figure and the report say about the run.
struct FigureDescription {
  let model: String
  let method: String
  let layer: String?
  let seed: UInt32
  let labelGiven: Bool
  let classNames: [String]
}

/// One input image's sweep.
struct ImageBlock {
  let name: String
  let path: String
  let target: Int
  let cells: [SweepCell]
}
