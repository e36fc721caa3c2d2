/// The result of comparing a ``StateDict`` with the keys and shapes a model expects.
public struct KeyMatchReport: Sendable, CustomStringConvertible {
  /// An expected key whose tensor has another shape.
  public struct ShapeMismatch: Sendable, Equatable {
    public let key: String
    public let expected: [Int]
    public let actual: [Int]

    public init(key: String, expected: [Int], actual: [Int]) {
      self.key = key
      self.expected = expected
      self.actual = actual
    }
  }

  /// Expected keys absent from the state dict.
  public var missing: [String]
  /// State-dict keys the model does not expect.
  public var unexpected: [String]
  /// Keys present on both sides with different shapes.
  public var shapeMismatches: [ShapeMismatch]

  /// True when nothing is missing, unexpected or mismatched.
  public var isExactMatch: Bool { missing.isEmpty && unexpected.isEmpty && shapeMismatches.isEmpty }

  /// One line per problem: `missing: k`, `unexpected: k [shape]`, `shape mismatch: k expected [..] got [..]`.
  public var lines: [String] {
    missing.map { "missing: \($0)" } + unexpected.map { "unexpected: \($0)" }
      + shapeMismatches.map { "shape mismatch: \($0.key) expected \($0.expected) got \($0.actual)" }
  }

  /// A one-line summary naming up to five keys of each kind.
  public var summary: String {
    if isExactMatch { return "all keys and shapes match" }
    func part(_ n: Int, _ label: String, _ items: [String]) -> String? {
      guard n > 0 else { return nil }
      let shown = items.prefix(5).joined(separator: ", ") + (items.count > 5 ? ", ..." : "")
      return "\(n) \(label) (\(shown))"
    }
    return [
      part(missing.count, "missing", missing),
      part(unexpected.count, "unexpected", unexpected),
      part(shapeMismatches.count, "shape mismatches", shapeMismatches.map { "\($0.key) \($0.expected) vs \($0.actual)" }),
    ].compactMap { $0 }.joined(separator: "; ")
  }

  public var description: String { lines.isEmpty ? summary : lines.joined(separator: "\n") }
}

extension StateDict {
  /// Compares keys and shapes with `expected` (model order). Keys ending in one of
  /// `ignoringSuffixes` (e.g. `num_batches_tracked`) are left out of missing/unexpected.
  public func compare(to expected: [(key: String, shape: [Int])], ignoringSuffixes: [String] = []) -> KeyMatchReport {
    let ignored = { (k: String) in ignoringSuffixes.contains(where: { k.hasSuffix($0) }) }
    var expectedKeys = Set<String>()
    var report = KeyMatchReport(missing: [], unexpected: [], shapeMismatches: [])
    for (key, shape) in expected {
      expectedKeys.insert(key)
      if let t = self[key] {
        if t.shape != shape { report.shapeMismatches.append(.init(key: key, expected: shape, actual: t.shape)) }
      } else if !ignored(key) {
        report.missing.append(key)
      }
    }
    report.unexpected = keys.filter { !expectedKeys.contains($0) && !ignored($0) }
    return report
  }

  /// Like ``compare(to:ignoringSuffixes:)``, but throws ``CheckpointError/keyMismatch(_:)``:
  /// in strict mode on any problem, otherwise only on shape mismatches (like PyTorch's
  /// `load_state_dict(strict=False)`).
  @discardableResult
  public func validate(
    against expected: [(key: String, shape: [Int])], strict: Bool = true, ignoringSuffixes: [String] = []
  ) throws -> KeyMatchReport {
    let report = compare(to: expected, ignoringSuffixes: ignoringSuffixes)
    if strict ? !report.isExactMatch : !report.shapeMismatches.isEmpty {
      throw CheckpointError.keyMismatch(report.summary)
    }
    return report
  }
}
