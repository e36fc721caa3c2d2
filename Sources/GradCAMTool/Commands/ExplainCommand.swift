import AtomicFiles
import ArgumentParser
import Corruptions
import Foundation
import GradCAM
import Imaging
import Networks
import ProgressBars
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
  var severities = SeverityList(argument: "1-5")

  @Option(help: ArgumentHelp("Corruptions: benchmark (the 15 of ImageNet-C), all (19), or a list such as glass_blur,snow.", valueName: "list"))
  var corruptions = CorruptionList(argument: "benchmark")

  @Option(help: ArgumentHelp("CAM method: \(CAMMethod.allCases.map(\.rawValue).joined(separator: ", ")). Default: gradcam for CNNs, rollout for ViTs.", valueName: "name"))
  var method: CAMMethodArgument?

  @Option(help: ArgumentHelp("Layer to explain, by PyTorch path (default: the model's, e.g. layer4, layer3, blocks.-1.norm1).", valueName: "path"))
  var layer: String?

  @Option(help: ArgumentHelp("Ground-truth class (index or name): the explained class and the reference for correct/incorrect.", valueName: "N|name"))
  var label: String?

  @Option(help: ArgumentHelp("A cell is correct when the reference class (--label, else the clean prediction) is among its K most probable classes (1: top-1, 5: top-5).", valueName: "K"))
  var topkCorrect = 1

  @Option(help: "Seed of the random corruptions (numpy RandomState semantics).")
  var seed: UInt32 = 0

  @Option(name: .shortAndLong, help: ArgumentHelp("Figure file (.png, .pdf, .svg), or an interactive report (.html). Default: gradcam-<image>.png.", valueName: "file"))
  var out: String?

  @Option(help: ArgumentHelp("Write every raw map as .npy: DIR/<image>/<corruption>-s<severity>.npy and clean.npy.", valueName: "dir"))
  var mapsDir: String?

  @Option(help: ArgumentHelp("Write a JSON report (model, method, seed, versions, per-cell results and attention shift).", valueName: "file"))
  var report: String?

  @Option(help: ArgumentHelp("Colour map: jet (OpenCV), turbo, viridis, inferno.", valueName: "name"))
  var colormap = FigureColorMap(argument: "jet")

  @Option(help: "Weight of the image in the overlay (pytorch-grad-cam's image_weight).")
  var alpha: Double = 0.5

  @Option(help: ArgumentHelp("per-cell (each map min-max on its own) or shared (one range for the figure, with a colour bar).", valueName: "mode"))
  var scale = MapScale(argument: "per-cell")

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
    _ = try scale.value()
    _ = try colormap.value()
    guard (0...1).contains(alpha) else { throw ValidationError("--alpha must be between 0 and 1") }
    guard topkCorrect >= 1 else { throw ValidationError("--topk-correct must be >= 1") }
    guard batchSize >= 1, dpi >= 36, dpi <= 1200 else { throw ValidationError("--batch-size must be >= 1 and --dpi in 36...1200") }
    try requireRange(batchSize, 1...maximumBatchSize, "--batch-size")
    if let out { guard ["png", "pdf", "svg", "html"].contains(URL(fileURLWithPath: out).pathExtension.lowercased()) else {
      throw ValidationError("--out must end in .png, .pdf, .svg or .html") } }
    try validateHTMLReport()
  }

  func run() throws {
    let corruptionList = try corruptions.value()
    let severityList = try severities.value()
    if isHTMLReport, let out {
      return try writeHTMLReport(to: URL(fileURLWithPath: out), corruptions: corruptionList, severities: severityList)
    }
    // Every output is checked before the sweep; all are written only when everything succeeded.
    let plan = OutputPlan(inputs: images + modelOptions.inputFiles)
    let figureURL = URL(fileURLWithPath: out ?? "gradcam-\(URL(fileURLWithPath: images[0]).deletingPathExtension().lastPathComponent).png")
    let figureOutput = try plan.file(figureURL.path)
    let reportOutput = try report.map { try plan.file($0, allowStdout: true) }
    let mapsFolder = try mapsDir.map { try plan.folder($0) }
    let run = try sweep(modelOptions, corruptions: corruptionList, severities: severityList)
    let grid = run.figure.grid(run.images, corruptions: corruptionList, severities: severityList)
    try plan.write(try grid.render(format: try FigureFormat(fileExtensionOf: figureURL), options: try gridOptions()), to: figureOutput)
    if let mapsFolder { try run.writeMaps(into: mapsFolder, plan: plan) }
    if let reportOutput { try plan.write(try run.report.encoded(), to: reportOutput) }
    try plan.commit()
    if !quiet { FileHandle.standardError.write("wrote \(figureURL.path)\n") }
  }

  /// Loads the model of `options` and runs the sweep over every image; `tag` (the model, when
  /// several run) goes into the progress lines.
  func sweep(_ options: ModelOptions, corruptions corruptionList: [Corruption], severities severityList: [Int], tag: String? = nil)
    throws -> ModelSweep
  {
    let loaded = try options.load()
    let methodName = method?.text ?? (loaded.model is VisionTransformer ? "rollout" : "gradcam")
    let camMethod = try method?.value() ?? (loaded.model is VisionTransformer ? .rollout : .gradCAM)
    let explainer = try CAMExplainer(model: loaded.model, method: camMethod, layer: layer)
    let labelIndex = try label.map { try resolveLabel($0, names: loaded.classNames) }
    let inputs = images.map { URL(fileURLWithPath: $0) }
    let sources = try inputs.map { try ImageFile.read($0, for: loaded.preprocessing) }
    for (url, source) in zip(inputs, sources) {
      if let note = loaded.preprocessing.resizeNote(width: source.width, height: source.height) {
        FileHandle.standardError.write("note: \(url.lastPathComponent): \(note)\n")
      }
    }
    var sweep = CorruptionSweep(
      explainer: explainer, preprocessing: loaded.preprocessing, corruptions: corruptionList, severities: severityList,
      seed: seed, batchSize: batchSize)
    sweep.topKCorrect = topkCorrect
    var sweeps: [ImageSweep] = []
    for (url, source) in zip(inputs, sources) {
      let name = url.deletingPathExtension().lastPathComponent, shown = tag.map { "\(name) [\($0)]" } ?? name
      let progress = StageProgress(quiet: quiet) { stage in
        switch stage {
        case .corrupting: return "\(shown): corrupting"
        case .explaining: return "\(shown): \(methodName)"
        }
      }
      let result: SweepResult
      do { result = try sweep.run(source, label: labelIndex, progress: progress.update) } catch let error as CorruptionError {
        throw CLIError("\(url.path): \(error)")
      }
      sweeps.append(ImageSweep(name: name, path: url.path, result: result))
    }
    let figure = SweepFigure(
      model: loaded.name, method: methodName, layer: explainer.layer, seed: seed, labelGiven: labelIndex != nil,
      topKCorrect: topkCorrect, classNames: loaded.classNames, showShift: showShift)
    return ModelSweep(sweep: sweep, figure: figure, images: sweeps)
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

  private func gridOptions() throws -> HeatmapGridOptions {
    var o = HeatmapGridOptions()
    o.colorMap = try colormap.value()
    o.imageWeight = Float(alpha)
    o.scale = try scale.value()
    o.difference = diff ? .againstColumn(0, range: nil) : .off
    o.pixelsPerPoint = dpi / 72
    return o
  }
}
