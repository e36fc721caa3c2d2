import ArgumentParser
import Foundation
import Imaging
import Networks
import ONNX
import Zoo

/// How a command chooses its model: a bundled name, or an architecture with a weights file.
struct ModelOptions: ParsableArguments {
  @Option(name: .customLong("model"), help: ArgumentHelp(
    "A bundled or zoo model name (see `gradcam models`; zoo models download on first use), an ONNX file (*.onnx) or a checkpoint file (then give --arch). Default: \(BundledModels.defaultName) (evaluate: \(BundledModels.defaultEvaluationName)).",
    valueName: "name|file"))
  var modelName: String?

  @Option(help: ArgumentHelp("Where zoo models are cached (default: $GRADCAM_CACHE, $XDG_CACHE_HOME/gradcam, ~/.cache/gradcam).", valueName: "dir"))
  var cacheDir: String?

  @Option(help: ArgumentHelp("Architecture of --model/--weights when it is a file.", valueName: "name"))
  var arch: String?

  @Option(help: ArgumentHelp("Checkpoint file (PyTorch zip/legacy or safetensors), with --arch.", valueName: "file"))
  var weights: String?

  @Flag(help: "Fail when the checkpoint has keys the architecture does not use.")
  var strict = false

  @Option(help: ArgumentHelp("Class names, one per line (default: built-in CIFAR-10 or ImageNet names).", valueName: "file"))
  var classes: String?

  @Option(help: ArgumentHelp("Preprocessing profile: imagenet, inception, cifar, none or demo (default: the model's own).", valueName: "profile"))
  var preprocess: PreprocessingProfile?

  @OptionGroup var imageLimits: ImageLimitOptions
  @OptionGroup var checkpointLimits: CheckpointLimitOptions

  /// The files this model is read from, which no output of the run may overwrite.
  var inputFiles: [String] { [modelName, weights, classes].compactMap { $0 } }

  /// The loaded model, its class names and its preprocessing; `defaultModel` when --model is not given.
  func load(defaultModel: String = BundledModels.defaultName) throws -> LoadedModel {
    imageLimits.apply()
    let name = modelName ?? defaultModel
    let model: ImageClassifier
    let label: String
    if let weights {
      guard let arch else { throw CLIError("--weights needs --arch (known: \(Architectures.names.joined(separator: ", ")))") }
      model = try loadFile(arch: arch, URL(fileURLWithPath: weights))
      label = "\(arch) (\(URL(fileURLWithPath: weights).lastPathComponent))"
    } else if let arch {
      model = try loadFile(arch: arch, URL(fileURLWithPath: name))
      label = "\(arch) (\(URL(fileURLWithPath: name).lastPathComponent))"
    } else if name.lowercased().hasSuffix(".onnx") {
      model = try ONNXClassifier(url: URL(fileURLWithPath: name))
      label = URL(fileURLWithPath: name).lastPathComponent
    } else if ZooCatalog.model(named: name) != nil, !BundledModels.names.contains(name) {
      model = try report(Zoo.load(name, cache: ModelCache(explicit: cacheDir), strict: strict))
      label = name
    } else if !BundledModels.names.contains(name) {
      if FileManager.default.fileExists(atPath: name) {
        throw CLIError("\(name) is a checkpoint file: give its architecture with --arch (known: \(Architectures.names.joined(separator: ", ")))")
      }
      throw ZooError.unknownModel(name, known: Zoo.names)
    } else {
      model = try BundledModels.load(name)
      label = name
    }
    let bundledNames = weights == nil && arch == nil ? BundledModels.classNames(name) : nil
    let names = try classes.map { try ClassNames.read(URL(fileURLWithPath: $0), expected: model.classCount) }
      ?? bundledNames ?? ClassNames.defaults(count: model.classCount)
    var profile = try preprocess?.value() ?? Preprocessing.profile(named: model.input.profile)
    if let onnx = model as? ONNXClassifier, onnx.fixesInputSize {
      profile = profile.fitted(height: model.input.height, width: model.input.width)
    }
    return LoadedModel(model: model, name: label, classNames: names, preprocessing: profile)
  }

  private func loadFile(arch: String, _ url: URL) throws -> ImageClassifier {
    guard FileManager.default.fileExists(atPath: url.path) else {
      throw CLIError("\(url.path): no such file")
    }
    return report(try checkpointLimits.explaining {
      try Architectures.load(arch, weights: url, strict: strict, options: checkpointLimits.loadOptions)
    })
  }

  /// Notes unused checkpoint keys on stderr and returns the model.
  private func report(_ loaded: (model: ImageClassifier, unusedKeys: [String])) -> ImageClassifier {
    let (model, unused) = loaded
    if !unused.isEmpty {
      FileHandle.standardError.write(
        "note: \(unused.count) checkpoint key(s) unused: \(unused.prefix(4).joined(separator: ", "))\(unused.count > 4 ? ", ..." : "") (--strict makes this an error)\n")
    }
    return model
  }
}
