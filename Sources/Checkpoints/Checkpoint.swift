import Foundation

/// Options for loading a checkpoint.
public struct CheckpointLoadOptions: Sendable {
  /// Size limits applied to untrusted input.
  public var limits: CheckpointLimits
  /// Extra `module.name` classes to accept as inert opaque objects (for metadata objects of
  /// other frameworks). Modules such as `os`, `posix`, `subprocess`, `builtins` are refused
  /// regardless.
  public var extraOpaqueGlobals: Set<String>
  /// When true, *any* class global with a plain name outside the forbidden modules and outside
  /// `torch` loads as an inert opaque object (a stub recording module, name, arguments and state; for
  /// checkpoints whose metadata holds e.g. `pathlib.PosixPath` or config objects). Nothing is
  /// executed either way; the default (false) refuses every global not on the allow-list.
  public var acceptsUnknownGlobalsAsOpaque: Bool

  public init(
    limits: CheckpointLimits = CheckpointLimits(), extraOpaqueGlobals: Set<String> = [],
    acceptsUnknownGlobalsAsOpaque: Bool = false
  ) {
    self.limits = limits
    self.extraOpaqueGlobals = extraOpaqueGlobals
    self.acceptsUnknownGlobalsAsOpaque = acceptsUnknownGlobalsAsOpaque
  }

  /// The pickle-call dispatcher for these options.
  func pickleCalls(loadFromBytes: @escaping (Data) throws -> PickleValue) -> PickleCalls {
    var calls = PickleCalls(extraOpaque: extraOpaqueGlobals, loadFromBytes: loadFromBytes)
    calls.opaqueUnknown = acceptsUnknownGlobalsAsOpaque
    return calls
  }
}

/// Entry points: load any supported checkpoint file into plain values or a flat ``StateDict``.
///
/// ```swift
/// let sd = try Checkpoint.loadStateDict(contentsOf: url)            // format auto-detected
/// let report = sd.compare(to: expectedKeysAndShapes)                   // missing / unexpected / shape
/// try SafeTensors.write(sd, to: cacheURL)                              // convert once, reload fast
/// ```
///
/// Pickles are interpreted by a restricted VM that executes nothing (see `GlobalAllowList`);
/// every error is a ``CheckpointError`` whose one-line description names the file.
public enum Checkpoint {
  /// The container format of the file at `url`, from its first bytes.
  public static func format(of url: URL) throws -> CheckpointFormat {
    try CheckpointError.context(url.path) {
      let data = try FileLoader.read(url)
      return try detect(data)
    }
  }

  /// Loads the whole object graph of a checkpoint file (zip, legacy, plain pickle, safetensors).
  public static func load(contentsOf url: URL, options: CheckpointLoadOptions = CheckpointLoadOptions()) throws
    -> CheckpointValue
  {
    try CheckpointError.context(url.path) {
      try load(data: try FileLoader.read(url), options: options)
    }
  }

  /// Loads a checkpoint from memory. `name` is used in error messages.
  public static func load(data: Data, name: String, options: CheckpointLoadOptions = CheckpointLoadOptions()) throws
    -> CheckpointValue
  {
    try CheckpointError.context(name) { try load(data: data, options: options) }
  }

  /// Loads a checkpoint file and reduces it to a flat, normalised ``StateDict``.
  public static func loadStateDict(
    contentsOf url: URL, normalization: KeyNormalization = .standard,
    options: CheckpointLoadOptions = CheckpointLoadOptions()
  ) throws -> StateDict {
    let value = try load(contentsOf: url, options: options)
    return try CheckpointError.context(url.path) { try StateDict(from: value, normalization: normalization) }
  }

  static func detect(_ data: Data) throws -> CheckpointFormat {
    if let format = CheckpointFormat.detect(data) { return format }
    if data.count > 262, data[data.startIndex + 257..<data.startIndex + 262] == Data("ustar".utf8) {
      throw CheckpointError.unsupported("tar-era torch.save format (re-save it with a current torch)")
    }
    let head = data.prefix(8).map { String(format: "%02x", $0) }.joined(separator: " ")
    throw CheckpointError.unknownFormat("first bytes [\(head)] are not zip, legacy torch.save, pickle or safetensors")
  }

  private static func load(data: Data, options: CheckpointLoadOptions) throws -> CheckpointValue {
    switch try detect(data) {
    case .torchZip: return try TorchZipReader.read(data, options: options, depth: 0)
    case .torchLegacy: return try TorchLegacyReader.read(data, options: options, depth: 0)
    case .pickle: return try PlainPickleReader.read(data, options: options, depth: 0)
    case .safeTensors:
      let file = try SafeTensors.decode(data, limits: options.limits)
      return .dict(file.tensors.map { (key: $0.name, value: .tensor($0.tensor)) })
    }
  }
}
