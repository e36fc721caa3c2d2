/// Reads a value of an imported graph as an ``AttentionScale`` at load time, following the nodes
/// that compute it: one-element float constants, the last entry of `Shape(x)` for a value `x`
/// whose last dimension is the head size (`Slice` from -1 to the end, or `Gather` of -1), `Cast`
/// and `CastLike` to a float type, `Identity`, `Sqrt`, `Reciprocal`, `Pow` by a constant, `Mul`
/// and `Div`. Anything else (an integer constant, a reduction, a value with more than one
/// element) is not a scale.
struct AttentionScaleReader {
  let graph: PatternGraph
  /// Values whose last dimension is the head size (q, k, v of one attention, all of rank 4).
  let headSized: Set<String>
  /// Float values `CastLike` may take its type from.
  let floats: Set<String>
  /// The nodes read so far that depend on `headSized` (they go with the pattern).
  private(set) var dependentNodes: Set<Int> = []

  init(graph: PatternGraph, headSized: Set<String>, floats: Set<String>) {
    self.graph = graph
    self.headSized = headSized
    self.floats = floats
  }

  /// One value read: the factor, whether it is still an integer (a dimension), its rank, and
  /// whether it depends on the head-sized values.
  private struct Term {
    var scale: AttentionScale
    var isInteger: Bool
    var rank: Int
    var dependent: Bool
  }

  /// `name` as a factor that multiplies a rank-4 tensor without changing its shape, or nil.
  /// On success the nodes it depends on are added to ``dependentNodes``.
  mutating func read(_ name: String) -> AttentionScale? {
    var walk = Walk()
    guard let term = term(name, &walk), !term.isInteger, term.rank <= 4 else { return nil }
    dependentNodes.formUnion(walk.dependent)
    return term.scale
  }

  /// The nodes one read followed: those that depend on the head-sized values, and how many in all.
  private struct Walk {
    var dependent = Set<Int>()
    var steps = 0
  }

  /// The most nodes one read follows (torch's scale takes nine; the bound keeps a hostile file
  /// from exhausting the stack or the time).
  private static let maxSteps = 64

  /// `name` as a term.
  private func term(_ name: String, _ walk: inout Walk) -> Term? {
    if let v = graph.constants[name] {
      guard !v.isInteger, v.tensor.count == 1, let c = v.doubles.first, c.isFinite else { return nil }
      return Term(scale: AttentionScale(coefficient: c, power: 0), isInteger: false, rank: v.rank, dependent: false)
    }
    walk.steps += 1
    guard walk.steps <= Self.maxSteps, let i = graph.producer(name) else { return nil }
    let node = graph.nodes[i]
    var result: Term?
    switch node.qualifiedType {
    case "Slice", "Gather":
      result = headSize(node, &walk)
    case "Cast":
      if [1, 10, 11, 16].contains(node.int("to", default: 0)) { result = floatTerm(node.inputs.first, &walk) }
    case "CastLike":
      // It reads the pattern's value for its type: it goes with the pattern.
      if node.inputs.count == 2, floats.contains(node.inputs[1]), var t = floatTerm(node.inputs[0], &walk) {
        t.dependent = true
        result = t
      }
    case "Identity":
      result = node.inputs.first.flatMap { term($0, &walk) }
    case "Sqrt", "Reciprocal":
      if var t = floatOperand(node.inputs.first, &walk), let s = t.scale.raised(to: node.opType == "Sqrt" ? 0.5 : -1) {
        t.scale = s
        result = t
      }
    case "Pow":
      if node.inputs.count == 2, var t = floatOperand(node.inputs[0], &walk), let e = graph.constants[node.inputs[1]],
         e.tensor.count == 1, let s = t.scale.raised(to: e.doubles[0]) {
        t.scale = s
        t.rank = Swift.max(t.rank, e.rank)
        result = t
      }
    case "Mul", "Div":
      if node.inputs.count == 2, let a = floatOperand(node.inputs[0], &walk), let b = floatOperand(node.inputs[1], &walk),
         let factor = node.opType == "Mul" ? b.scale : b.scale.raised(to: -1) {
        result = Term(scale: a.scale * factor, isInteger: false, rank: Swift.max(a.rank, b.rank), dependent: a.dependent || b.dependent)
      }
    default:
      break
    }
    guard let t = result, node.outputs.count == 1 else { return nil }
    if t.dependent { walk.dependent.insert(i) }
    return t
  }

  /// Input `name` of an arithmetic node: a float term.
  private func floatOperand(_ name: String?, _ walk: inout Walk) -> Term? {
    guard let name, let t = term(name, &walk), !t.isInteger else { return nil }
    return t
  }

  /// Input `name` of a cast to float: any term, now a float.
  private func floatTerm(_ name: String?, _ walk: inout Walk) -> Term? {
    guard let name, var t = term(name, &walk) else { return nil }
    t.isInteger = false
    return t
  }

  /// `d` from `Slice(Shape(x), [-1], [end])` (end past the last entry; no other axes or steps)
  /// or `Gather(Shape(x), -1)` on axis 0, for a head-sized `x`.
  private func headSize(_ node: GraphNode, _ walk: inout Walk) -> Term? {
    guard let shape = node.inputs.first.flatMap(graph.shape), headSized.contains(shape.of) else { return nil }
    var rank: Int
    if node.qualifiedType == "Slice" {
      // Entries of a rank-4 value's shape: -1 up to any end past the last entry is the last one.
      guard let range = graph.sliceOfFirstAxis(node), range.start == -1, range.end >= 4 else { return nil }
      rank = 1
    } else {
      guard node.inputs.count == 2, [0, -1].contains(node.int("axis", default: 0)), let index = graph.integerInput(node, 1),
            index.integers == [-1] || index.integers == [3], index.rank <= 1 else { return nil }
      rank = index.rank
    }
    walk.dependent.insert(shape.node)
    return Term(scale: AttentionScale(coefficient: 1, power: 1), isInteger: true, rank: rank, dependent: true)
  }
}
