import Autodiff
import Checkpoints
import Foundation

/// The architectures `--arch` accepts, and loading a checkpoint into one of them.
public enum Architectures {
  /// Every known architecture name.
  public static var names: [String] {
    ResNet.configurations.keys.sorted() + CIFARResNet.depths.map { "cifar_resnet\($0)" }
      + ["tiny", "small", "base"].flatMap { s in ["8", "16"].flatMap { p in ["vit_\(s)_patch\(p)", "vit_\(s)_patch\(p)_reg4"] } }
      + EfficientNetConfig.names + ["mobilenet_v2", "mobilenet_v3_large", "mobilenet_v3_small"]
      + ["demo_cnn", "vit_demo"]
      + vitFamilyNames
      + ConvNeXtConfig.names + SwinConfig.names
  }

  /// The preprocessing profile (``InputSpec/profile``) a model of architecture `name` is
  /// built with, without building it; nil for an unknown name. ConvNeXt and Swin take
  /// torchvision's transform of their weights (the profile named after the model), DINOv2 and
  /// DeiT their authors' (`dinov2`, `deit`), EfficientNets timm's.
  public static func profile(of name: String) -> String? {
    if ResNet.configurations[name] != nil || name.hasPrefix("mobilenet_v") { return "imagenet" }
    if name.hasPrefix("cifar_resnet") { return "cifar" }
    if name == "demo_cnn" { return "demo" }
    if let config = EfficientNetConfig.named(name) { return config.profile }
    if ConvNeXtConfig.named(name) != nil || SwinConfig.named(name) != nil { return name }
    return VisionTransformer.Config.named(name)?.profile
  }

  /// Builds `name` with weights from `source`; `classCount` nil infers it from the head weight
  /// when the source is a state dict (else 1000, or 10 for CIFAR ResNets).
  public static func build(_ name: String, weights source: WeightSource, classCount: Int? = nil) throws -> ImageClassifier {
    let inferred = classCount ?? inferClassCount(source)
    if let inferred, !(1...1_000_000).contains(inferred) {
      throw NetworkError.invalidInput("the classifier has \(inferred) classes; expected 1 to 1000000")
    }
    if ResNet.configurations[name] != nil {
      return try ResNet(name, classCount: inferred ?? 1000, weights: source)
    }
    if name.hasPrefix("cifar_resnet"), let depth = Int(name.dropFirst("cifar_resnet".count)) {
      return try CIFARResNet(depth: depth, classCount: inferred ?? 10, weights: source)
    }
    if EfficientNetConfig.named(name) != nil {
      // The key layout (EfficientNet-PyTorch's `_blocks.N` or timm's `blocks.S.I`) is the
      // checkpoint's; a formula or shape listing uses timm's.
      var layout = EfficientNetLayout.timm
      if case .stateDict(let d) = source.mode { layout = EfficientNetLayout.of(d.keys) }
      return try EfficientNet(name, layout: layout, classCount: inferred ?? 1000, weights: source)
    }
    if name == "mobilenet_v2" {
      return try MobileNetV2(classCount: inferred ?? 1000, weights: source)
    }
    if name.hasPrefix("mobilenet_v3_") {
      return try MobileNetV3(name, classCount: inferred ?? 1000, weights: source)
    }
    if name == "demo_cnn" {
      return try CIFARResNet.demo(classCount: inferred ?? 6, weights: source)
    }
    if ConvNeXtConfig.named(name) != nil {
      var layout = ConvNeXtLayout.torchvision
      if case .stateDict(let d) = source.mode { layout = ConvNeXtLayout.of(d.keys) }
      return try ConvNeXt(name, layout: layout, classCount: inferred ?? 1000, weights: source)
    }
    if SwinConfig.named(name) != nil {
      var layout = SwinLayout.torchvision
      if case .stateDict(let d) = source.mode { layout = SwinLayout.of(d.keys) }
      return try SwinTransformer(name, layout: layout, classCount: inferred ?? 1000, weights: source)
    }
    if var config = VisionTransformer.Config.named(name) {
      if name == "vit_demo", case .stateDict = source.mode {
        config.head = headForViT(source, classCount: inferred)
      } else if name == "vit_demo" {
        config.head = .dinoLinear(classes: inferred ?? 6, blocks: 1, averagePatches: true)
      } else {
        config.head = headForViT(source, classCount: inferred)
      }
      if case .stateDict(let d) = source.mode { config.adoptLayout(of: d) }
      return try VisionTransformer(name, config: config, weights: source)
    }
    throw NetworkError.unknownArchitecture(name, known: names)
  }

  /// Loads a checkpoint file (PyTorch zip or legacy, safetensors; nested and prefixed keys are
  /// normalised) into architecture `name`.
  ///
  /// - Parameter strict: fail when the checkpoint has keys the architecture does not use.
  /// - Parameter options: size limits for the (untrusted) checkpoint file.
  /// - Returns: the model and the keys the checkpoint had but the model did not use.
  public static func load(
    _ name: String, weights url: URL, strict: Bool = false, classCount: Int? = nil,
    options: CheckpointLoadOptions = CheckpointLoadOptions()
  ) throws
    -> (model: ImageClassifier, unusedKeys: [String])
  {
    try load(name, weights: [url], strict: strict, classCount: classCount, options: options)
  }

  /// Loads several checkpoint files whose state dicts together make one model, e.g. a DINO
  /// backbone and its separately published linear head. Each file is normalised with
  /// `normalization` on its own; a key present in two files is an error. `options` bounds what
  /// each (untrusted) file may make the reader allocate.
  public static func load(
    _ name: String, weights urls: [URL], normalization: KeyNormalization = .standard, strict: Bool = false,
    classCount: Int? = nil, options: CheckpointLoadOptions = CheckpointLoadOptions()
  ) throws -> (model: ImageClassifier, unusedKeys: [String]) {
    let label = urls.map(\.lastPathComponent).joined(separator: " + ")
    var tensors: [String: Tensor] = [:]
    var origin: [String: String] = [:]
    // Integer and bool tensors (counters, masks) are not weights; kept to tell a weight stored
    // with such a dtype from a missing one.
    var nonFloat: [String: (file: String, dtype: String)] = [:]
    for url in urls {
      let stateDict = try Checkpoint.loadStateDict(contentsOf: url, normalization: normalization, options: options)
      for entry in stateDict.entries where !entry.tensor.dtype.isFloatingPoint {
        nonFloat[entry.key] = (url.lastPathComponent, "\(entry.tensor.dtype)")
      }
      let floating = stateDict.entries.filter { $0.tensor.dtype.isFloatingPoint }
      for entry in floating {
        if let first = origin[entry.key] {
          throw NetworkError.invalidInput("\(label): key '\(entry.key)' is in both \(first) and \(url.lastPathComponent)")
        }
        origin[entry.key] = url.lastPathComponent
      }
      // Converted on every core: a model's weights are ~100 MB of fresh memory to fill.
      var values = [[Float]](repeating: [], count: floating.count)
      values.withUnsafeMutableBufferPointer { values in parallelFor(floating.count) { values[$0] = floating[$0].tensor.floats() } }
      for (entry, scalars) in zip(floating, values) { tensors[entry.key] = Tensor(shape: entry.tensor.shape, scalars: scalars) }
    }
    let source = WeightSource(.stateDict(tensors))
    // EfficientNet and MobileNet checkpoints hold whole models: any difference, also an extra
    // layer, means another variant (e.g. a B0 checkpoint, with squeeze-excitation, for a Lite0).
    let wholeModel = EfficientNetConfig.named(name) != nil || name.hasPrefix("mobilenet_")
      || ConvNeXtConfig.named(name) != nil || SwinConfig.named(name) != nil
    let shapes = tensors.mapValues(\.shape)
    do {
      let model = try build(name, weights: source, classCount: classCount)
      if let vit = model as? VisionTransformer,
        let why = VisionTransformer.familyMismatch(name, config: vit.config, tensors: tensors)
      {
        throw NetworkError.invalidInput(why)
      }
      if wholeModel, let why = variantMismatch(name, requested: source.requested, shapes: shapes) {
        throw NetworkError.invalidInput(why)
      }
      try source.finish(strict: strict)
      return (model, source.unusedKeys)
    } catch let error as NetworkError {
      if case .missingWeight(let key, let shape) = error, let found = nonFloat[key] {
        throw NetworkError.invalidInput(
          "\(found.file): weight '\(key)' has the wrong dtype \(found.dtype); the architecture needs a floating-point tensor of shape \(shape)")
      }
      // A ViT-like checkpoint is named by what it looks like (family and size), also when a
      // whole-model architecture (ConvNeXt, Swin, EfficientNet) was asked for.
      if let config = VisionTransformer.Config.named(name),
        let why = VisionTransformer.familyMismatch(name, config: config, tensors: tensors)
      {
        throw NetworkError.invalidInput("\(label): \(why)")
      }
      if VisionTransformer.Config.named(name) == nil, let seen = VisionTransformer.lookalike(tensors) {
        throw NetworkError.invalidInput("\(label): not a \(name) checkpoint: it looks like \(seen)")
      }
      if wholeModel, let why = variantMismatch(name, requested: source.requested, shapes: shapes) {
        throw NetworkError.invalidInput("\(label): \(why)")
      }
      throw NetworkError.invalidInput("\(label): \(error.description)\(lookalike(shapes, requested: name))")
    }
  }

  /// The first layer, in the architecture's order, whose weights the checkpoint lacks or has in
  /// another shape, else the first checkpoint layer the architecture does not have; nil when the
  /// checkpoint fits exactly.
  /// A ConvNeXt or Swin checkpoint also gets what it looks like (``lookalike(_:requested:)``).
  public static func variantMismatch(_ name: String, requested: [(name: String, shape: [Int])], shapes: [String: [Int]]) -> String? {
    func layer(_ key: String) -> String { key.split(separator: ".").dropLast().joined(separator: ".") }
    let looks = lookalike(shapes, requested: name)
    for (key, shape) in requested where shapes[key] != shape {
      let found = shapes[key].map { "has shape \($0)" } ?? "has no such weight"
      return "not a \(name) checkpoint\(looks): first differing layer '\(layer(key))': \(name) needs '\(key)' of shape \(shape), the checkpoint \(found)"
    }
    let used = Set(requested.map(\.name))
    let extra = shapes.keys.filter { !used.contains($0) && !$0.hasSuffix("num_batches_tracked") }
    guard let first = extra.min(by: { pathOrder($0, $1) }), let t = shapes[first] else { return nil }
    return "not a \(name) checkpoint\(looks): first differing layer '\(layer(first))': the checkpoint has '\(first)' of shape \(t), \(name) has no such weight"
  }

  /// ` (it looks like NAME)` when the checkpoint's keys and shapes describe a ConvNeXt or Swin
  /// Transformer other than `requested`, else empty.
  static func lookalike(_ shapes: [String: [Int]], requested: String) -> String {
    guard let what = ConvNeXtConfig.describe(shapes) ?? SwinConfig.describe(shapes),
          !what.hasPrefix("\(requested) (") else { return "" }
    return " (it looks like \(what))"
  }

  /// Orders dotted paths with numeric parts compared as numbers (`_blocks.2` before `_blocks.10`).
  static func pathOrder(_ a: String, _ b: String) -> Bool {
    let x = a.split(separator: "."), y = b.split(separator: ".")
    for (p, q) in zip(x, y) where p != q {
      if let i = Int(p), let j = Int(q) { return i < j }
      return p < q
    }
    return x.count < y.count
  }

  private static func inferClassCount(_ source: WeightSource) -> Int? {
    guard case .stateDict(let d) = source.mode else { return nil }
    for key in ["fc.weight", "linear.weight", "linear_head.weight", "head.weight", "_fc.weight", "classifier.weight", "classifier.1.weight", "classifier.3.weight",
                "classifier.2.weight", "head.fc.weight"] {
      if let w = d[key], w.rank == 2 { return w.shape[0] }
    }
    return nil
  }

  private static func headForViT(_ source: WeightSource, classCount: Int?) -> VisionTransformer.Head {
    if case .stateDict(let d) = source.mode {
      if let w = d["linear.weight"], w.rank == 2, let dim = d["cls_token"]?.shape.last {
        // DINO's linear evaluation: the feature size tells how many class tokens it reads.
        let parts = w.shape[1] / dim
        return .dinoLinear(classes: w.shape[0], blocks: dim == 384 ? parts : 1, averagePatches: dim != 384)
      }
      if let w = d["linear_head.weight"], w.rank == 2, let dim = d["cls_token"]?.shape.last, dim > 0 {
        // DINOv2's published head: class token(s) and the patch mean, (1 + blocks) * D inputs.
        return .dinov2Linear(classes: w.shape[0], blocks: w.shape[1] / dim - 1)
      }
      if d["head.weight"] == nil { return .none }
    }
    return .token(classes: classCount ?? 1000)
  }
}
