import AtomicFiles
import ArgumentParser
import Autodiff
import Corruptions
import Evaluation
import Foundation
import GradCAM
import Networks
import ProgressBars

/// `gradcam evaluate`: top-1 error (and optionally attention shift) under corruptions, at dataset scale.
struct EvaluateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "evaluate",
    abstract: "Measure top-1 error, CE/mCE and attention shift of a model under corruptions over a dataset.",
    discussion: """
      Sources: --data FOLDER, an ImageFolder (class subfolders) corrupted on the fly with the seeds of \
      `gradcam corrupt --data` (file index i, corruption c, severity s: seed + 100i + 5c + s - 1); \
      --corrupted-root DIR, an existing corruption/severity/class/image tree (with --data for the \
      clean images), or a CIFAR-10-C folder (<corruption>.npy [5N,H,W,3] uint8 severity-major, \
      labels.npy, optional clean.npy).

      Labels: each class folder is matched to the model's class by name: an ImageNet WordNet id \
      (n02085620) for 1000-class models, or a class name ignoring case, '_' and '-' (cat, \
      golden_retriever), so subsets of the classes (ImageNet-R/-A/-100, a cat/ and dog/ folder of \
      CIFAR-10) keep the model's indices. Folders that match nothing are an error naming them, unless \
      there are exactly as many folders as classes and none match (then sorted folder names are \
      indices 0, 1, ..., torchvision ImageFolder). --class-map FILE gives folder,class lines instead \
      (class: an index, a class name or a WordNet id; a header line and # comments are skipped).

      Output (--out DIR): meta.json; rows.csv, one checksummed row per (image, corruption, \
      severity), appended as batches finish; then results.csv, summary.json (and cam.csv with \
      --cam), derived from the rows and written atomically. Rerunning the same command resumes: \
      torn rows are dropped, finished rows skipped. --shard i/N evaluates images whose index mod N \
      is i; `gradcam merge` combines shard folders.
      """)

  @OptionGroup var modelOptions: ModelOptions
  @OptionGroup var precisionOption: PrecisionOption

  @Option(help: ArgumentHelp("ImageFolder of clean images (class subfolders).", valueName: "folder"))
  var data: String?

  @Option(help: ArgumentHelp("Existing corrupted dataset: corruption/severity/class/image, or CIFAR-10-C .npy files.", valueName: "dir"))
  var corruptedRoot: String?

  @Option(help: ArgumentHelp("Corruptions: benchmark (15), all (19), a list, or none (clean images only).", valueName: "list"))
  var corruptions = CorruptionList(argument: "benchmark")

  @Option(help: ArgumentHelp("Severities: 1-5, 1,3,5 or all.", valueName: "list"))
  var severities = SeverityList(argument: "1-5")

  @Flag(help: "Do not evaluate the clean images.")
  var noClean = false

  @Option(help: "Base seed of on-the-fly corruption (as gradcam corrupt --data).")
  var seed: UInt32 = 0

  @Option(help: ArgumentHelp("Corruption parameters: imagenet, cifar or tiny (default: by image size).", valueName: "name"))
  var profile: ProfileArgument?

  @Option(help: ArgumentHelp("CSV of folder,class lines (class: index, class name or WordNet id); default: folders matched to the model's classes by name.", valueName: "file"))
  var classMap: String?

  @Option(help: ArgumentHelp("Only the first N images of the dataset (by index).", valueName: "N"))
  var limit: Int?

  @Flag(help: "Also compute CAMs of the true class and their shift from the clean image's map.")
  var cam = false

  @Flag(help: "With --cam, also score each map's faithfulness to the model: deletion and insertion AUC and ROAD (as gradcam cam --metrics), per image in rows.csv.")
  var faithfulness = false

  @Option(help: ArgumentHelp("CAM method with --cam (default gradcam; rollout for ViTs).", valueName: "name"))
  var method: CAMMethodArgument?

  @Option(help: ArgumentHelp("Layer to explain with --cam (default: the model's).", valueName: "path"))
  var layer: String?

  @Option(help: ArgumentHelp("CE baseline: alexnet, none or a CSV of corruption,severity,error (clean,0,error for the clean error). Default: alexnet for 1000-class models, else none.", valueName: "name|file"))
  var baseline: String?

  @Option(help: ArgumentHelp("Evaluate shard i of N (0-based): images with index mod N = i.", valueName: "i/N"))
  var shard = ShardArgument(argument: "0/1")

  @Option(name: .shortAndLong, help: ArgumentHelp("Output folder.", valueName: "dir"))
  var out: String

  @Option(help: "Most images per forward pass (each image's jobs are split into equal batches up to this size); shards and resumes of a run must use the same.")
  var batchSize: Int = 64

  @Flag(help: "No progress on stderr.")
  var quiet = false

  func validate() throws {
    guard data != nil || corruptedRoot != nil else { throw ValidationError("give --data, --corrupted-root or both") }
    if corruptions.isNone && noClean { throw ValidationError("--corruptions none with --no-clean leaves nothing to evaluate") }
    try requireRange(batchSize, 1...maximumBatchSize, "--batch-size")
    _ = try shard.value()
    if let baseline, !["none", "alexnet"].contains(baseline), !FileManager.default.fileExists(atPath: baseline) {
      throw ValidationError("--baseline must be alexnet, none or an existing CSV file")
    }
    if faithfulness && !cam { throw ValidationError("--faithfulness needs --cam") }
    if let limit { guard limit >= 1 else { throw ValidationError("--limit must be at least 1") } }
  }

  func run() throws {
    let shardSpec = try shard.value()
    do { try OutputLocation.checkFolder(out) } catch { throw CLIError("cannot write \(out): \(error.reason)") }
    let corruptionList = corruptions.isNone ? [] : try corruptions.value()
    let severityList = try severities.value()
    let chosenProfile = try profile?.value()
    let loaded = try modelOptions.load(defaultModel: BundledModels.defaultEvaluationName)
    let source = try openEvalSource(
      data: data, corruptedRoot: corruptedRoot, corruptions: corruptionList, severities: severityList, seed: seed,
      profile: chosenProfile, classMapFile: classMap, classNames: loaded.classNames)
    let classes = loaded.model.classCount
    if source.labelsByPosition && !quiet {
      FileHandle.standardError.write("note: no class folder matches a class name of \(loaded.name); labels are sorted folder positions (ImageFolder)\n")
    }
    let count = min(source.count, limit ?? source.count)
    if let bad = (0..<count).first(where: { source.label($0) < 0 || source.label($0) >= classes }) {
      throw CLIError("image \(bad) has label \(source.label(bad)), outside the model's \(classes) classes")
    }
    let explainer = try cam ? CAMExplainer(
      model: loaded.model, method: method?.value() ?? (loaded.model is VisionTransformer ? .rollout : .gradCAM), layer: layer) : nil
    if cam && !source.hasClean { throw CLIError("--cam compares with the clean images: give --data (or clean.npy)") }
    var meta = RunMeta(
      model: loaded.name, classes: classes, sourceKind: source.kind, source: corruptedRoot ?? data ?? "", images: count,
      corruptions: corruptionList.map(\.name), severities: severityList, clean: source.hasClean && !noClean,
      seed: seed, profile: chosenProfile?.rawValue, cam: explainer.map { "\($0.method.rawValue)\($0.layer.map { " @ \($0)" } ?? "")" },
      baseline: try resolveBaseline(classes: classes), batchSize: batchSize, shardIndex: shardSpec.index, shardCount: shardSpec.count)
    meta.faithfulness = faithfulness ? true : nil
    meta.precision = ComputePrecision.stated

    let outURL = URL(fileURLWithPath: out)
    if !FileManager.default.fileExists(atPath: out), mkdir(out, 0o777) != 0 {
      throw CLIError("cannot create \(out): \(String(cString: strerror(errno)))")
    }
    if FileManager.default.fileExists(atPath: outURL.appendingPathComponent("meta.json").path) {
      let old = try RunMeta.read(outURL)
      guard old == meta else {
        throw CLIError("\(out) holds a different run (meta.json differs: model, data, corruptions, severities, seed, CAM, baseline, batch size, shard or precision); use another --out")
      }
    } else {
      try meta.write(to: outURL)
    }
    let log = try RowLog(url: outURL.appendingPathComponent("rows.csv"))
    if log.dropped > 0 && !quiet { FileHandle.standardError.write("resume: dropped \(log.dropped) torn or duplicate row(s)\n") }
    if !log.rows.isEmpty && !quiet { FileHandle.standardError.write("resume: \(log.rows.count) row(s) already done\n") }

    let runner = try EvalRunner(
      model: loaded.model, preprocessing: loaded.preprocessing, source: source, meta: meta, explainer: explainer, log: log)
    let started = Date()
    var bar: ProgressBar?
    let done = try runner.run { done, total in
      let line = bar ?? ProgressBar("evaluate", total: total, quiet: quiet || total == 0)
      bar = line
      if done > 0 { line.update(done) }
    }
    let seconds = Date().timeIntervalSince(started)
    let summary: EvalSummary
    do { summary = try Report.write(meta: meta, rows: log.rows, to: outURL) } catch let error as AtomicWriteError {
      throw CLIError("\(error)\(RowLog.resumeNote)")
    }
    if !quiet {
      if done > 0 {
        FileHandle.standardError.write(String(format: "%d images in %.1f s (%.1f images/s)\n", done, seconds, Double(done) / seconds))
      }
      var line = "wrote \(outURL.path)/results.csv, summary.json"
      if let e = summary.cleanError { line += String(format: "; clean error %.2f%%", e * 100) }
      if let e = summary.meanCorruptionError { line += String(format: ", mean corruption error %.2f%%", e * 100) }
      if let m = summary.mce { line += String(format: ", mCE %.1f%%", m) }
      FileHandle.standardError.write(line + "\n")
      if !summary.nonMonotonic.isEmpty {
        let steps = summary.nonMonotonic.map {
          String(format: "%@ %d→%d (%.1f%% → %.1f%%)", $0.corruption, $0.severity, $0.severity + 1, $0.error * 100, $0.nextError * 100)
        }
        FileHandle.standardError.write("non-monotonic (error fell as severity rose): \(steps.joined(separator: ", "))\n")
      }
    }
  }

  private func resolveBaseline(classes: Int) throws -> Baseline? {
    switch baseline {
    case nil: return classes == 1000 ? .alexNet : nil
    case "none": return nil
    case "alexnet": return .alexNet
    case let file?:
      guard FileManager.default.fileExists(atPath: file) else { throw CLIError("--baseline \(file): no such file (or use alexnet, none)") }
      return try Baseline.read(URL(fileURLWithPath: file))
    }
  }
}
