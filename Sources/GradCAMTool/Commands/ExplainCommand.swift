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

      --image FOLDER renders one figure per image of the folder (searched recursively), each \
      named after its image: gradcam-<image>.png, in --out when it names a folder.

      Rows are labelled with human corruption names (Gaussian noise); --row-labels FILE renames \
      them (key,label lines, the key a corruption such as gaussian_noise, or an image name). \
      --layout compact (28 pt cells, 5 pt labels, half the gaps) makes a 15 x 6 grid 3.3 x 8.7 \
      inches, one column of a two-column paper at full height; the standard layout is 7.4 x 19.3 inches.

      Exit codes: 0 success; 1 bad input or runtime error (one line on stderr, no partial output); \
      64 usage error.
      """)

  @OptionGroup var modelOptions: ModelOptions
  @OptionGroup var precisionOption: PrecisionOption

  @Option(name: .customLong("image"), help: ArgumentHelp("Input image (.png, .jpg); repeat for several (one block each), or a folder (one figure per image).", valueName: "file|dir"))
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

  @Option(help: ArgumentHelp("Write every cell's map as float32 .npy: DIR/<image>/clean.npy and <corruption>-s<severity>.npy, the maps the figure shows and --report's shift numbers use (ReLU, upsampled to the model input, normalised to [0,1)); <image> is the file name without extension, or the path from the images' common folder when names repeat.", valueName: "dir"))
  var mapsDir: String?

  @Flag(help: "With --maps-dir, also write the raw maps (feature resolution, before ReLU and normalisation) as raw_clean.npy and raw_<corruption>-s<severity>.npy.")
  var rawMaps = false

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

  @Option(help: "Raster resolution of PNG output, in dots per inch (written into the PNG).")
  var dpi: Double = 216

  @Option(help: ArgumentHelp("standard, or compact (28 pt cells, 5 pt labels, half the gaps: one column of a two-column paper).", valueName: "name"))
  var layout = GridLayoutArgument(argument: "standard")

  @Option(help: ArgumentHelp("Width of each image cell in points (default: 72, compact 28).", valueName: "pt"))
  var cellSize: Double?

  @Option(help: ArgumentHelp("Row and column label size in points; the other text keeps its proportion (default: 7, compact 5).", valueName: "pt"))
  var fontSize: Double?

  @Option(help: ArgumentHelp("Figure title (default: method, layer and model).", valueName: "text"))
  var title: String?

  @Flag(help: "No title or subtitle (for a paper, whose caption says it).")
  var noTitle = false

  @Option(help: ArgumentHelp("Row labels, one 'key,label' line per row (key: a corruption such as gaussian_noise, or an image name).", valueName: "file"))
  var rowLabels: String?

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
    _ = try layout.value()
    if let cellSize { guard cellSize >= 8, cellSize <= 720 else { throw ValidationError("--cell-size must be in 8...720 points") } }
    if let fontSize { guard fontSize >= 2, fontSize <= 48 else { throw ValidationError("--font-size must be in 2...48 points") } }
    if title != nil && noTitle { throw ValidationError("--title and --no-title exclude each other") }
    if hasFolder {
      guard images.count == 1 else { throw ValidationError("--image FOLDER renders one figure per image: give one folder alone") }
      if let out, !URL(fileURLWithPath: out).pathExtension.isEmpty {
        throw ValidationError("with --image FOLDER, --out names a folder for the figures (gradcam-<image>.png), got '\(out)'")
      }
    } else if let out {
      guard ["png", "pdf", "svg", "html"].contains(URL(fileURLWithPath: out).pathExtension.lowercased()) else {
        throw ValidationError("--out must end in .png, .pdf, .svg or .html") }
    }
    if rawMaps && mapsDir == nil { throw ValidationError("--raw-maps needs --maps-dir") }
    try requireRange(batchSize, 1...maximumBatchSize, "--batch-size")
    try validateHTMLReport()
  }

  func run() throws {
    let corruptionList = try corruptions.value()
    let severityList = try severities.value()
    if isHTMLReport, let out {
      return try writeHTMLReport(to: URL(fileURLWithPath: out), corruptions: corruptionList, severities: severityList)
    }
    if hasFolder { return try writeFigurePerImage(corruptions: corruptionList, severities: severityList) }
    // Every output is checked before the sweep; all are written only when everything succeeded.
    let plan = OutputPlan(inputs: images + modelOptions.inputFiles)
    let figureURL = URL(fileURLWithPath: out ?? "gradcam-\(URL(fileURLWithPath: images[0]).deletingPathExtension().lastPathComponent).png")
    let figureOutput = try plan.file(figureURL.path)
    let reportOutput = try report.map { try plan.file($0, allowStdout: true) }
    let mapsFolder = try mapsDir.map { try plan.folder($0) }
    let run = try sweep(modelOptions, corruptions: corruptionList, severities: severityList)
    let grid = try run.figure.grid(run.images, corruptions: corruptionList, severities: severityList)
    try plan.write(try grid.render(format: try FigureFormat(fileExtensionOf: figureURL), options: try gridOptions()), to: figureOutput)
    if let mapsFolder { try run.writeMaps(into: mapsFolder, plan: plan, raw: rawMaps) }
    if let reportOutput { try plan.write(try run.report.encoded(), to: reportOutput) }
    try plan.commit()
    if !quiet { FileHandle.standardError.write("wrote \(figureURL.path)\n") }
  }

  /// Whether --image names a folder.
  private var hasFolder: Bool {
    var isFolder: ObjCBool = false
    return images.contains { FileManager.default.fileExists(atPath: $0, isDirectory: &isFolder) && isFolder.boolValue }
  }

  /// --image FOLDER: one figure per image (gradcam-<image>.png in --out, else here), the model
  /// loaded once; maps and the report cover every image, written after the last figure.
  private func writeFigurePerImage(corruptions: [Corruption], severities: [Int]) throws {
    let files = try ImageInputs.files(images)
    var seen: [String: String] = [:]
    for file in files {
      let name = file.deletingPathExtension().lastPathComponent
      if let other = seen[name] {
        throw CLIError("\(other) and \(file.path) would both be drawn to gradcam-\(name).png: rename one")
      }
      seen[name] = file.path
    }
    // Every output is checked before the first sweep; all are written only when every image succeeded.
    let plan = OutputPlan(inputs: files.map(\.path) + modelOptions.inputFiles)
    let folder = try plan.folder(out ?? ".")
    let figureOutputs = try files.map { try plan.file(folder.appendingPathComponent("gradcam-\($0.deletingPathExtension().lastPathComponent).png").path) }
    let reportOutput = try report.map { try plan.file($0, allowStdout: true) }
    let mapsFolder = try mapsDir.map { try plan.folder($0) }
    let setup = try sweepSetup(modelOptions, corruptions: corruptions, severities: severities)
    let options = try gridOptions()
    var kept: [ImageSweep] = []
    var last: ModelSweep?
    for (file, figureOutput) in zip(files, figureOutputs) {
      let run = try sweep(setup, images: [file], tag: nil)
      let grid = try run.figure.grid(run.images, corruptions: corruptions, severities: severities)
      try plan.write(try grid.render(format: .png, options: options), to: figureOutput)
      if mapsDir != nil || report != nil { kept += run.images }
      last = run
    }
    guard let last else { return }
    let all = ModelSweep(sweep: last.sweep, figure: last.figure, images: kept)
    if let mapsFolder { try all.writeMaps(into: mapsFolder, plan: plan, raw: rawMaps) }
    if let reportOutput { try plan.write(try all.report.encoded(), to: reportOutput) }
    try plan.commit()
    if !quiet { for output in figureOutputs { FileHandle.standardError.write("wrote \(output.path)\n") } }
  }

  /// Loads the model of `options` and runs the sweep over every image; `tag` (the model, when
  /// several run) goes into the progress lines.
  func sweep(_ options: ModelOptions, corruptions corruptionList: [Corruption], severities severityList: [Int], tag: String? = nil)
    throws -> ModelSweep
  {
    let setup = try sweepSetup(options, corruptions: corruptionList, severities: severityList)
    // Folders (in an HTML report) give all their images.
    let inputs = hasFolder ? try ImageInputs.files(images) : images.map { URL(fileURLWithPath: $0) }
    return try sweep(setup, images: inputs, tag: tag)
  }

  /// The loaded model, its explainer and the sweep settings, shared by every image of a run.
  struct SweepSetup {
    let loaded: LoadedModel
    let methodName: String
    let explainer: CAMExplainer
    let labelIndex: Int?
    let sweep: CorruptionSweep
  }

  func sweepSetup(_ options: ModelOptions, corruptions corruptionList: [Corruption], severities severityList: [Int]) throws -> SweepSetup {
    let loaded = try options.load()
    let methodName = method?.text ?? (loaded.model is VisionTransformer ? "rollout" : "gradcam")
    let camMethod = try method?.value() ?? (loaded.model is VisionTransformer ? .rollout : .gradCAM)
    let explainer = try CAMExplainer(model: loaded.model, method: camMethod, layer: layer)
    let labelIndex = try label.map { try resolveLabel($0, names: loaded.classNames) }
    var sweep = CorruptionSweep(
      explainer: explainer, preprocessing: loaded.preprocessing, corruptions: corruptionList, severities: severityList,
      seed: seed, batchSize: batchSize)
    sweep.topKCorrect = topkCorrect
    return SweepSetup(loaded: loaded, methodName: methodName, explainer: explainer, labelIndex: labelIndex, sweep: sweep)
  }

  /// Runs the sweep of `setup` over `inputs` (all read before the first is computed).
  func sweep(_ setup: SweepSetup, images inputs: [URL], tag: String?) throws -> ModelSweep {
    let (loaded, methodName, explainer, labelIndex, sweep) = (setup.loaded, setup.methodName, setup.explainer, setup.labelIndex, setup.sweep)
    let sources = try inputs.map { try ImageFile.read($0, for: setup.loaded.preprocessing) }
    for (url, source) in zip(inputs, sources) {
      if let note = loaded.preprocessing.resizeNote(width: source.width, height: source.height) {
        FileHandle.standardError.write("note: \(url.lastPathComponent): \(note)\n")
      }
    }
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
    var figure = SweepFigure(
      model: loaded.name, method: methodName, layer: explainer.layer, seed: seed, labelGiven: labelIndex != nil,
      topKCorrect: topkCorrect, classNames: loaded.classNames, showShift: showShift)
    figure.methodLabel = explainer.method.label
    figure.text = try figureText()
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
    let chosen = try layout.value()
    o.cellSize = cellSize ?? chosen.cellSize
    o.gapScale = chosen.gapScale
    o.fonts = GridLayoutArgument.Value.fonts(base: fontSize ?? chosen.fontSize)
    return o
  }

  private func figureText() throws -> FigureText {
    var text = FigureText()
    text.title = title
    text.showsTitle = !noTitle
    if let rowLabels {
      text.rowLabels = try FigureText.readRowLabels(rowLabels)
      text.rowLabelsFile = rowLabels
    }
    text.shortColumnHeaders = try layout.value() == .compact
    return text
  }
}
