import Autodiff

/// Errors building a network or loading its weights; each is one line naming the problem.
public enum NetworkError: Error, CustomStringConvertible, Equatable {
  case missingWeight(String, expected: [Int])
  case shapeMismatch(String, expected: [Int], found: [Int])
  case unexpectedWeights([String])
  case unknownArchitecture(String, known: [String])
  case unknownLayer(String, suggestions: [String])
  case invalidInput(String)

  public var description: String {
    switch self {
    case .missingWeight(let k, let s): return "missing weight '\(k)' of shape \(s)"
    case .shapeMismatch(let k, let e, let f): return "weight '\(k)' has shape \(f), the architecture needs \(e)"
    case .unexpectedWeights(let ks):
      return "\(ks.count) unexpected weight(s): \(ks.prefix(5).joined(separator: ", "))\(ks.count > 5 ? ", ..." : "")"
    case .unknownArchitecture(let n, let known):
      return "unknown architecture '\(n)'; known: \(known.joined(separator: ", "))"
    case .unknownLayer(let n, let s):
      return "unknown layer '\(n)'" + (s.isEmpty ? "" : "; did you mean \(s.map { "'\($0)'" }.joined(separator: " or "))?")
        + " (see `gradcam layers` for every layer path)"
    case .invalidInput(let why): return why
    }
  }
}

/// Where a network's weights come from while it is built: a state dict, a formula, or nothing
/// (to list the names and shapes an architecture needs).
public final class WeightSource {
  /// How values are produced.
  public enum Mode {
    /// From named tensors (a loaded checkpoint, keys as in PyTorch's state_dict).
    case stateDict([String: Tensor])
    /// A deterministic formula of the name and shape (for parity tests and benchmarks).
    case formula(@Sendable (String, [Int]) -> Tensor)
    /// Zeros, only recording what is asked for.
    case shapesOnly
  }

  let mode: Mode
  /// Every name requested while building, with its shape, in order.
  public private(set) var requested: [(name: String, shape: [Int])] = []
  private var problems: [NetworkError] = []

  /// Creates a source.
  public init(_ mode: Mode) { self.mode = mode }

  /// Whether a weight of this name exists (for optional parameters such as biases).
  public func contains(_ name: String) -> Bool {
    switch mode {
    case .stateDict(let d): return d[name] != nil
    case .formula, .shapesOnly: return true
    }
  }

  /// The weight `name` of the given shape; problems are collected and thrown by ``finish()``.
  public func tensor(_ name: String, _ shape: [Int]) -> Tensor {
    requested.append((name, shape))
    switch mode {
    case .stateDict(let d):
      guard let t = d[name] else {
        problems.append(.missingWeight(name, expected: shape))
        return Tensor.zeros(shape)
      }
      guard t.shape == shape else {
        problems.append(.shapeMismatch(name, expected: shape, found: t.shape))
        return Tensor.zeros(shape)
      }
      return t.converted(to: .float32)
    case .formula(let f):
      return f(name, shape)
    case .shapesOnly:
      return Tensor.zeros(shape)
    }
  }

  /// Throws the first problem met while building, or an unexpected-keys error in strict mode.
  public func finish(strict: Bool = false) throws {
    if let first = problems.first { throw first }
    if strict, case .stateDict(let d) = mode {
      let used = Set(requested.map(\.name))
      let extra = d.keys.filter { !used.contains($0) && !$0.hasSuffix("num_batches_tracked") }.sorted()
      if !extra.isEmpty { throw NetworkError.unexpectedWeights(extra) }
    }
  }

  /// Names in the state dict that the architecture did not use.
  public var unusedKeys: [String] {
    guard case .stateDict(let d) = mode else { return [] }
    let used = Set(requested.map(\.name))
    return d.keys.filter { !used.contains($0) && !$0.hasSuffix("num_batches_tracked") }.sorted()
  }
}
