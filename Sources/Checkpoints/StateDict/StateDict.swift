/// A flat, ordered `name -> tensor` map: what a model loader consumes.
///
/// Built from a loaded checkpoint by picking the relevant sub-dictionary, flattening nested
/// dicts/lists with `.`, and normalising names with a ``KeyNormalization``. Each entry keeps
/// its ``Entry/originalKey`` as stored in the file.
public struct StateDict: Sendable {
  /// One tensor with its normalised and original names.
  public struct Entry: Sendable {
    /// The normalised name (e.g. `conv1.weight`).
    public let key: String
    /// The name in the file, relative to ``StateDict/sourcePath`` (e.g. `module.encoder_q.conv1.weight`).
    public let originalKey: String
    public let tensor: CheckpointTensor
  }

  /// Entries in file order.
  public private(set) var entries: [Entry]
  /// The chain of sub-dictionary keys that was descended (e.g. `["state_dict"]`).
  public private(set) var sourcePath: [String] = []
  /// Original keys discarded by the normalisation rules (projection heads, momentum encoders...).
  public private(set) var droppedKeys: [String] = []
  private var index: [String: Int] = [:]

  /// Creates a state dict from `(name, tensor)` pairs (original key = name). Names must be unique.
  public init(_ tensors: [(String, CheckpointTensor)]) throws {
    entries = []
    for (k, t) in tensors { try append(Entry(key: k, originalKey: k, tensor: t)) }
  }

  /// Extracts and normalises the state dict from a loaded checkpoint.
  public init(from value: CheckpointValue, normalization: KeyNormalization = .standard) throws {
    var current = value
    var path: [String] = []
    while case .dict(let items) = current, !items.contains(where: { $0.value.tensor != nil }), path.count < 4 {
      guard let key = normalization.subDictionaryKeys.first(where: { k in
        if case .dict = current[k] ?? .none { return true }
        return false
      }) else { break }
      path.append(key)
      current = current[key]!
    }
    var flat: [(String, CheckpointTensor)] = []
    Self.flatten(current, prefix: "", into: &flat)
    guard !flat.isEmpty else {
      let top = value.keys.prefix(8).joined(separator: ", ")
      throw CheckpointError.invalidTensor("no tensors found in the checkpoint (top-level keys: \(top))")
    }
    let names = normalization.normalize(flat.map(\.0))
    entries = []
    sourcePath = path
    for ((original, tensor), name) in zip(flat, names) {
      guard let name else {
        droppedKeys.append(original)
        continue
      }
      if let i = index[name] {
        throw CheckpointError.keyMismatch(
          "keys '\(entries[i].originalKey)' and '\(original)' both normalise to '\(name)'")
      }
      try append(Entry(key: name, originalKey: original, tensor: tensor))
    }
  }

  /// Normalised keys in order.
  public var keys: [String] { entries.map(\.key) }
  /// Number of tensors.
  public var count: Int { entries.count }

  /// The tensor with normalised name `key`.
  public subscript(key: String) -> CheckpointTensor? { index[key].map { entries[$0].tensor } }

  /// The entry with normalised name `key`.
  public func entry(_ key: String) -> Entry? { index[key].map { entries[$0] } }

  /// The tensor for `key`, throwing ``CheckpointError/keyMismatch(_:)`` if it is missing or,
  /// when `shape` is given, has another shape.
  public func tensor(_ key: String, shape: [Int]? = nil) throws -> CheckpointTensor {
    guard let t = self[key] else { throw CheckpointError.keyMismatch("missing key '\(key)'") }
    if let shape, t.shape != shape {
      throw CheckpointError.keyMismatch("'\(key)' has shape \(t.shape), expected \(shape)")
    }
    return t
  }

  /// A copy keeping only the entries for which `isIncluded` returns true.
  public func filter(_ isIncluded: (Entry) -> Bool) -> StateDict {
    var copy = self
    copy.entries = entries.filter(isIncluded)
    copy.index = Dictionary(uniqueKeysWithValues: copy.entries.enumerated().map { ($1.key, $0) })
    return copy
  }

  private mutating func append(_ entry: Entry) throws {
    guard index[entry.key] == nil else { throw CheckpointError.keyMismatch("duplicate key '\(entry.key)'") }
    index[entry.key] = entries.count
    entries.append(entry)
  }

  private static func flatten(_ value: CheckpointValue, prefix: String, into out: inout [(String, CheckpointTensor)]) {
    switch value {
    case .tensor(let t): out.append((String(prefix.dropLast()), t))
    case .dict(let items): for (k, v) in items { flatten(v, prefix: prefix + k + ".", into: &out) }
    case .list(let items): for (i, v) in items.enumerated() { flatten(v, prefix: prefix + "\(i).", into: &out) }
    default: break
    }
  }
}
