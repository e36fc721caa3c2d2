import AtomicFiles
import ArgumentParser
import Corruptions
import Foundation
import Imaging
import ProgressBars

/// `gradcam corrupt`: ImageNet-C corruptions of one image, of every combination, or of a dataset.
struct CorruptCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "corrupt",
    abstract: "Apply ImageNet-C corruptions to an image, or build an ImageNet-C-style dataset.",
    discussion: """
      One image and one corruption/severity: --out is the image file. Several corruptions or \
      severities: --out is a folder of <corruption>-s<severity>.png. --data FOLDER (an ImageFolder \
      of class subfolders): --out gets corruption/severity/class/file, JPEG quality 85 as \
      ImageNet-C (or --png), built in parallel, resumable (existing files are kept), each file \
      written atomically. Parameters follow imagecorruptions: the ImageNet (224), CIFAR (32) or \
      Tiny-ImageNet (64) profile is chosen by image size unless --profile is given.
      """)

  @Option(help: ArgumentHelp("Input image.", valueName: "file"))
  var image: String?

  @Option(help: ArgumentHelp("ImageFolder to corrupt into an ImageNet-C-style dataset.", valueName: "folder"))
  var data: String?

  @Option(help: ArgumentHelp("Corruption name, a comma list, benchmark (15) or all (19).", valueName: "name"))
  var corruption = CorruptionList(argument: "all")

  @Option(help: ArgumentHelp("One severity (1-5).", valueName: "N"))
  var severity: Int?

  @Option(help: ArgumentHelp("Severities: 1-5, 1,3,5 or all.", valueName: "list"))
  var severities = SeverityList(argument: "1-5")

  @Option(help: "Seed (numpy RandomState semantics; datasets derive one seed per file).")
  var seed: UInt32 = 0

  @Option(help: ArgumentHelp("Parameter profile: imagenet, cifar or tiny (default: by image size).", valueName: "name"))
  var profile: ProfileArgument?

  @Flag(help: "Datasets: write PNG instead of JPEG quality 85.")
  var png = false

  @Option(name: .shortAndLong, help: ArgumentHelp("Output image (one combination) or folder.", valueName: "path"))
  var out: String

  @Flag(help: "No progress on stderr.")
  var quiet = false

  @OptionGroup var imageLimits: ImageLimitOptions

  func validate() throws {
    guard (image == nil) != (data == nil) else { throw ValidationError("give exactly one of --image and --data") }
  }

  func run() throws {
    imageLimits.apply()
    let list = try corruption.value()
    let levels = try severity.map { [try Severity.validate($0)] } ?? severities.value()
    let chosen = try profile?.value()
    if let data {
      try buildDataset(URL(fileURLWithPath: data), list, levels, chosen)
      return
    }
    guard let image else { throw ValidationError("give exactly one of --image and --data") }
    // Outputs are checked before the work and written together once every image is done.
    let plan = OutputPlan(inputs: [image])
    let outURL = URL(fileURLWithPath: out)
    if list.count == 1 && levels.count == 1 {
      let output = try plan.file(out)
      let source = try ImageFile.read(URL(fileURLWithPath: image))
      let result = try naming(image) { try Corruptions.apply(source, list[0], severity: levels[0], seed: seed, profile: chosen) }
      try plan.write(try ImageFile.encode(result, for: outURL), to: output)
      try plan.commit()
      return
    }
    let folder = try plan.folder(out)
    let jobs = list.flatMap { c in levels.map { Corruptions.Job(c, severity: $0, seed: seed) } }
    let outputs = try jobs.map { try plan.file(folder.appendingPathComponent("\($0.corruption.rawValue)-s\($0.severity).png").path) }
    let source = try ImageFile.read(URL(fileURLWithPath: image))
    let results = try naming(image) { try Corruptions.applyMany(source, jobs, profile: chosen) }
    for (output, result) in zip(outputs, results) {
      try plan.write(try PNGCodec.encode(result), to: output)
    }
    try plan.commit()
    if !quiet { FileHandle.standardError.write("wrote \(jobs.count) images to \(outURL.path)\n") }
  }

  private func buildDataset(_ input: URL, _ list: [Corruption], _ levels: [Int], _ profile: Profile?) throws {
    do { try OutputLocation.checkFolder(out) } catch { throw CLIError("cannot write \(out): \(error.reason)") }
    let options = DatasetBuilder.Options(
      corruptions: list, severities: levels, baseSeed: seed, profile: profile, format: png ? .png : .imagenetC)
    let bar = ProgressBar("corrupt", quiet: quiet)
    let summary = try DatasetBuilder.build(input: input, output: URL(fileURLWithPath: out), options: options) { p in
      bar.update(Int64(p.filesDone), total: Int64(p.filesTotal))
    }
    if !quiet {
      FileHandle.standardError.write("\(summary.written) written, \(summary.skipped) already present, \(summary.failures.count) failed\n")
    }
    if let last = summary.writeError {
      // The dataset folder is resumable by design: finished files are complete and kept.
      throw CLIError("\(last); stopped at this write error (the dataset folder is resumable: finished files are kept, run again to continue)")
    }
    if let first = summary.failures.first { throw CLIError("\(summary.failures.count) file(s) failed; first: \(first)") }
  }

  /// Runs `body`, a corruption error prefixed with the image it was about.
  private func naming<T>(_ file: String, _ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as CorruptionError { throw CLIError("\(file): \(error)") }
  }
}
