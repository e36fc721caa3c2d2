/// Errors from asking for gradients; each message says what to do instead.
public enum AutodiffError: Error, CustomStringConvertible, Equatable {
  /// The `wrt` tensor at this index is not part of any graph.
  case notInGraph(index: Int)
  /// The `wrt` tensor at this index does not influence the output.
  case unused(index: Int)
  /// The output is not a scalar and no seed gradient was given.
  case notScalar(shape: [Int])
  /// The output itself was not recorded.
  case outputNotRecorded
  /// The seed gradient does not match the output.
  case seedMismatch(expected: [Int], got: [Int])

  public var description: String {
    switch self {
    case .notInGraph(let i):
      return "gradients: wrt[\(i)] is not in the graph; mark it with .tracked() before computing from it"
    case .unused(let i):
      return "gradients: wrt[\(i)] does not influence the output (pass allowUnused: true to get zeros)"
    case .notScalar(let s):
      return "gradients: the output has shape \(s); reduce it to a scalar or pass a seed gradient"
    case .outputNotRecorded:
      return "gradients: the output was not recorded; compute it from a .tracked() tensor with gradients enabled"
    case .seedMismatch(let e, let g):
      return "gradients: seed of shape \(g) does not match the output shape \(e)"
    }
  }
}

/// What a backward pass did: used to prove that only the needed gradients were computed.
public struct BackwardStatistics: Sendable, Equatable {
  /// Ops whose pullback ran, in the order they ran.
  public var ops: [String] = []
  /// Number of input gradients computed in total.
  public var inputGradients = 0
  /// Creates empty statistics.
  public init() {}
}

/// The gradients of `output` with respect to each tensor in `wrt`, by reverse-mode accumulation.
///
/// Any tensor of the graph may be a target, including an intermediate activation. Only the part
/// of the graph between the targets and the output is visited, and a rule computes an input
/// gradient only when that input leads to a target: constants (untracked weights) and everything
/// below the lowest target cost nothing.
///
/// - Parameters:
///   - output: a scalar (one element) unless `seed` is given.
///   - wrt: tensors of the same graph.
///   - seed: the gradient of some scalar with respect to `output` (defaults to 1).
///   - allowUnused: return zeros for targets that do not influence `output` instead of throwing.
/// - Returns: one gradient per target, each of the target's shape and type.
public func gradients(
  of output: Tensor, wrt: [Tensor], seed: Tensor? = nil, allowUnused: Bool = false
) throws -> [Tensor] {
  var stats = BackwardStatistics()
  return try gradients(of: output, wrt: wrt, seed: seed, allowUnused: allowUnused, statistics: &stats)
}

/// ``gradients(of:wrt:seed:allowUnused:)`` that also reports what the backward pass computed.
public func gradients(
  of output: Tensor, wrt: [Tensor], seed: Tensor? = nil, allowUnused: Bool = false,
  statistics: inout BackwardStatistics
) throws -> [Tensor] {
  var results = [Tensor?](repeating: nil, count: wrt.count)
  try forEachGradient(of: output, wrt: wrt, seed: seed, allowUnused: allowUnused, statistics: &statistics) {
    results[$0] = $1
  }
  return results.map { $0! }
}

/// The gradients of ``gradients(of:wrt:seed:allowUnused:)``, handed to `body(index, gradient)`
/// one by one as the backward pass completes them (targets nearest the output first), instead of
/// returned together: with many large targets (every block's attention of a ViT at thousands of
/// tokens) only the gradient being handled need be alive. Unused targets get zeros last (with
/// `allowUnused`), or the call throws after the used ones were handed over.
public func forEachGradient(
  of output: Tensor, wrt: [Tensor], seed: Tensor? = nil, allowUnused: Bool = false,
  statistics: inout BackwardStatistics, _ body: (Int, Tensor) throws -> Void
) throws {
  for (i, t) in wrt.enumerated() where t.node == nil { throw AutodiffError.notInGraph(index: i) }
  guard let root = output.node else { throw AutodiffError.outputNotRecorded }
  let seedGradient: Tensor
  if let seed {
    guard seed.shape == output.shape else {
      throw AutodiffError.seedMismatch(expected: output.shape, got: seed.shape)
    }
    seedGradient = seed.detached().converted(to: output.dtype)
  } else {
    guard output.count == 1 else { throw AutodiffError.notScalar(shape: output.shape) }
    seedGradient = Tensor(repeating: 1, shape: output.shape, dtype: output.dtype)
  }

  // Topological order (parents before children) of everything the output depends on.
  let order = topologicalOrder(from: root)
  // A node is relevant when it is a target or depends on one: only those get gradients.
  var indices: [ObjectIdentifier: [Int]] = [:]
  for (i, t) in wrt.enumerated() { indices[ObjectIdentifier(t.node!), default: []].append(i) }
  var relevant = Set<ObjectIdentifier>()
  for node in order {
    let id = ObjectIdentifier(node)
    if indices[id] != nil || node.parents.contains(where: { $0.map { relevant.contains(ObjectIdentifier($0)) } ?? false }) {
      relevant.insert(id)
    }
  }

  var grads: [ObjectIdentifier: Tensor] = [ObjectIdentifier(root): seedGradient]
  var delivered = Set<Int>()
  try withoutGradients {
    for node in order.reversed() {
      let id = ObjectIdentifier(node)
      guard relevant.contains(id), let g = grads.removeValue(forKey: id) else { continue }
      // All of this node's consumers ran before it: its gradient is complete.
      for i in indices[id] ?? [] {
        try body(i, g)
        delivered.insert(i)
      }
      guard let pullback = node.pullback else { continue }
      let needs = node.parents.map { $0.map { relevant.contains(ObjectIdentifier($0)) } ?? false }
      guard needs.contains(true) else { continue }
      let inputGrads = pullback(g, needs)
      statistics.ops.append(node.op)
      for (i, parent) in node.parents.enumerated() where needs[i] {
        guard let parent, let gi = inputGrads[i] else { continue }
        precondition(
          gi.shape == parent.shape,
          "gradients: the rule of '\(node.op)' returned shape \(gi.shape) for an input of shape \(parent.shape)")
        statistics.inputGradients += 1
        let pid = ObjectIdentifier(parent)
        if let existing = grads[pid] { grads[pid] = existing + gi } else { grads[pid] = gi }
      }
    }
  }

  for (i, t) in wrt.enumerated() where !delivered.contains(i) {
    guard allowUnused else { throw AutodiffError.unused(index: i) }
    try body(i, Tensor.zeros(t.shape, dtype: t.dtype))
  }
}

/// Nodes reachable from `root`, parents before children (iterative DFS: deep graphs are fine).
private func topologicalOrder(from root: Node) -> [Node] {
  var order: [Node] = []
  var visited = Set<ObjectIdentifier>()
  var stack: [(Node, Int)] = [(root, 0)]
  visited.insert(ObjectIdentifier(root))
  while let (node, next) = stack.popLast() {
    if next < node.parents.count {
      stack.append((node, next + 1))
      if let p = node.parents[next], visited.insert(ObjectIdentifier(p)).inserted {
        stack.append((p, 0))
      }
    } else {
      order.append(node)
    }
  }
  return order
}
