/// Multi-head self-attention as the torch exporters write timm's `Attention` (ViT, DeiT, DINOv2),
/// from the qkv projection with its heads split to the heads' outputs before they are merged:
///
///     t = Transpose(qkv, perm [2, 0, 3, 1, 4])      qkv: [B, T, 3, heads, d]
///     q, k, v = t[0], t[1], t[2]                    Split + Squeeze, Slice + Squeeze or Gather, axis 0
///     kT = Transpose(k, perm [0, 1, 3, 2])          or dynamo's Reshape [-1, T, d], Transpose [0, 2, 1], Reshape back
///     p = Softmax((q * a) @ (kT * b) * c, axis -1)  each factor optional, Mul or Div, by a scale
///     y = Transpose(p @ v, perm [0, 2, 1, 3])       [B, T, heads, d]
///
/// -> `gradcam.fused.Attention(qkv) -> (y, p)` (``FusedAttention``), the op the native ViT runs.
/// The scales are one-element constants or computed from q's shape (``AttentionScaleReader``):
/// torch's scaled_dot_product_attention multiplies q and kT by `sqrt(1 / sqrt(d))`, timm's unfused
/// attention q or the scores by a constant. The probabilities keep their value name (a layer, and
/// what rollout reads). Anchored at the `Softmax`, whose axis must be given as -1 or 3; a bias or
/// mask added to the scores, a scale with more than one element, another permutation, or a middle
/// value read outside the pattern leaves it node by node.
enum AttentionFusion {
  /// The fused op's type (in ``FusedOperators/domain``), and its kind in ``GraphFusion``.
  static let type = "Attention"

  static func match(_ g: PatternGraph, _ i: Int) -> PatternRewrite? {
    let softmax = g.nodes[i]
    guard softmax.qualifiedType == "Softmax", [-1, 3].contains(softmax.int("axis") ?? 0), softmax.inputs.count == 1,
          let p = softmax.outputs.first, let pv = g.onlyReader(p, "MatMul"), g.nodes[pv].inputs.count == 2,
          g.nodes[pv].inputs[0] == p, let o = g.nodes[pv].outputs.first,
          let merge = g.onlyReader(o, "Transpose"), g.nodes[merge].ints("perm") == [0, 2, 1, 3],
          let v = part(g, g.nodes[pv].inputs[1]), v.index == 2, let split = parts(g, of: v.source),
          split.values[2] == g.nodes[pv].inputs[1], let t = g.producer(v.source), g.nodes[t].qualifiedType == "Transpose",
          g.nodes[t].ints("perm") == [2, 0, 3, 1, 4], let qkv = g.nodes[t].inputs.first,
          let keys = transposedKeys(g, split.values[1])
    else { return nil }
    let (q, k) = (split.values[0], split.values[1])
    var reader = AttentionScaleReader(graph: g, headSized: [q, k, split.values[2]], floats: [q, k, split.values[2], keys.value])
    var scale = AttentionScale.one
    guard let scores = unscaled(g, softmax.inputs[0], &reader, &scale), let product = g.producer(scores.base),
          g.nodes[product].qualifiedType == "MatMul", g.nodes[product].inputs.count == 2,
          let queries = unscaled(g, g.nodes[product].inputs[0], &reader, &scale), queries.base == q,
          let transposedKeys = unscaled(g, g.nodes[product].inputs[1], &reader, &scale), transposedKeys.base == keys.value
    else { return nil }
    var removed = Set([i, pv, merge, t, product]).union(split.nodes).union(keys.nodes)
    removed.formUnion(scores.nodes + queries.nodes + transposedKeys.nodes)
    removed.formUnion(reader.dependentNodes)
    return PatternRewrite(
      g, removed: removed.sorted(), last: merge, type: type, domain: FusedOperators.domain, inputs: [qkv], extraOutputs: [p],
      attributes: [
        "scale": PatternRewrite.float("scale", scale.coefficient),
        "scale_power": PatternRewrite.float("scale_power", scale.power),
        "exact_parts": PatternRewrite.int("exact_parts", split.exact ? 1 : 0),
      ])
  }

  /// `name` with its scalings stripped: while it is `x * s`, `s * x` or `x / s` for a scale `s`,
  /// `x`; the factors are multiplied into `scale`.
  private static func unscaled(
    _ g: PatternGraph, _ name: String, _ reader: inout AttentionScaleReader, _ scale: inout AttentionScale
  ) -> (base: String, nodes: [Int])? {
    var base = name, nodes: [Int] = []
    while let n = g.producer(base), ["Mul", "Div"].contains(g.nodes[n].qualifiedType), g.nodes[n].inputs.count == 2 {
      let (a, b) = (g.nodes[n].inputs[0], g.nodes[n].inputs[1])
      let isMul = g.nodes[n].qualifiedType == "Mul"
      if let f = reader.read(b) {
        guard let factor = isMul ? f : f.raised(to: -1) else { return nil }
        scale = scale * factor
        base = a
      } else if isMul, let f = reader.read(a) {
        scale = scale * f
        base = b
      } else {
        break
      }
      nodes.append(n)
    }
    return (base, nodes)
  }

  /// Value `name` as part `index` (0, 1 or 2) of `source` on axis 0, the axis dropped:
  /// `Squeeze(Split(source)[index], [0])`, `Squeeze(Slice(source, index, index + 1, axis 0), [0])`
  /// or `Gather(source, index)` on axis 0 (a scalar index). `exact` when the form needs axis 0
  /// to have exactly three entries (a split into three), not at least three.
  private static func part(_ g: PatternGraph, _ name: String) -> (source: String, index: Int, nodes: [Int], exact: Bool)? {
    guard let n = g.producer(name) else { return nil }
    let node = g.nodes[n]
    if node.qualifiedType == "Gather" {
      guard node.inputs.count == 2, node.int("axis", default: 0) == 0, let index = g.integerInput(node, 1), index.rank == 0,
            let k = index.integers.first, (0...2).contains(k) else { return nil }
      return (node.inputs[0], k, [n], false)
    }
    let axes = node.inputs.count > 1 ? g.integerInput(node, 1)?.integers : node.ints("axes")
    guard node.qualifiedType == "Squeeze", axes == [0], let x = node.inputs.first, let m = g.producer(x),
          let source = g.nodes[m].inputs.first else { return nil }
    let sliced = g.nodes[m]
    switch sliced.qualifiedType {
    case "Split":
      let sizes = sliced.inputs.count > 1 && !sliced.inputs[1].isEmpty ? g.integerInput(sliced, 1)?.integers : sliced.ints("split")
      guard sliced.outputs.count == 3, sliced.int("axis", default: 0) == 0, let index = sliced.outputs.firstIndex(of: x),
            sizes == [1, 1, 1] || (sizes == nil && sliced.inputs.count < 2 && [nil, 3].contains(sliced.int("num_outputs")))
      else { return nil }
      return (source, index, [n, m], true)
    case "Slice":
      guard let range = g.sliceOfFirstAxis(sliced), (0...2).contains(range.start), range.end == range.start + 1 else { return nil }
      return (source, range.start, [n, m], false)
    default:
      return nil
    }
  }

  /// The three parts of `source` (q, k, v), each read from it once, and the nodes that take them.
  private static func parts(_ g: PatternGraph, of source: String) -> (values: [String], nodes: Set<Int>, exact: Bool)? {
    // The candidates: a Split's squeezed outputs, or each reader's (squeezed) output.
    var candidates: [String] = []
    for r in g.readers(source) ?? [] {
      for out in g.nodes[r].outputs where !out.isEmpty {
        if g.nodes[r].qualifiedType == "Gather" {
          candidates.append(out)
        } else if let s = g.onlyReader(out, "Squeeze"), let value = g.nodes[s].outputs.first {
          candidates.append(value)
        }
      }
    }
    var values = [String?](repeating: nil, count: 3), nodes = Set<Int>(), exact = true
    for c in candidates {
      guard let found = part(g, c), found.source == source, values[found.index] == nil else { return nil }
      values[found.index] = c
      nodes.formUnion(found.nodes)
      exact = exact && found.exact
    }
    let all = values.compactMap { $0 }
    return all.count == 3 ? (all, nodes, exact) : nil
  }

  /// The keys transposed over their last two axes: `Transpose(k, [0, 1, 3, 2])`, or as the
  /// dynamo exporter writes it, `Reshape(Transpose(Reshape(k, [-1, k2, k3]), [0, 2, 1]),
  /// [k0, k1, k3, k2])` with `kN` read from `Shape(k)`.
  private static func transposedKeys(_ g: PatternGraph, _ k: String) -> (value: String, nodes: Set<Int>)? {
    for r in g.readers(k) ?? [] {
      let node = g.nodes[r]
      guard let out = node.outputs.first else { continue }
      if node.qualifiedType == "Transpose", node.inputs == [k], node.ints("perm") == [0, 1, 3, 2] { return (out, [r]) }
      guard node.qualifiedType == "Reshape", node.inputs.count == 2, node.inputs[0] == k,
            let folded = shapeEntries(g, node.inputs[1], of: k), folded.entries == [.constant(-1), .dim(2), .dim(3)],
            let swap = g.onlyReader(out, "Transpose"), g.nodes[swap].ints("perm") == [0, 2, 1],
            let swapped = g.nodes[swap].outputs.first, let back = g.onlyReader(swapped, "Reshape"),
            g.nodes[back].inputs.count == 2, g.nodes[back].inputs[0] == swapped,
            let unfolded = shapeEntries(g, g.nodes[back].inputs[1], of: k),
            unfolded.entries == [.dim(0), .dim(1), .dim(3), .dim(2)], let value = g.nodes[back].outputs.first
      else { continue }
      return (value, folded.nodes.union(unfolded.nodes).union([r, swap, back]))
    }
    return nil
  }

  /// One entry of a shape computed at load time: a constant, or dimension `n` of the keys.
  private enum ShapeEntry: Equatable {
    case constant(Int)
    case dim(Int)
  }

  /// Shape value `name` as entries: integer constants, and slices of `Shape(k)` (k has rank 4),
  /// concatenated on axis 0 (nested at most `depth` deep); with the nodes that compute it.
  private static func shapeEntries(
    _ g: PatternGraph, _ name: String, of k: String, depth: Int = 4
  ) -> (entries: [ShapeEntry], nodes: Set<Int>)? {
    if let c = g.constants[name] {
      return c.isInteger && c.rank == 1 ? (c.integers.map { .constant($0) }, []) : nil
    }
    guard depth > 0, let n = g.producer(name) else { return nil }
    let node = g.nodes[n]
    switch node.qualifiedType {
    case "Concat":
      guard node.int("axis", default: 0) == 0 else { return nil }
      var entries: [ShapeEntry] = [], nodes: Set<Int> = [n]
      for input in node.inputs {
        guard let part = shapeEntries(g, input, of: k, depth: depth - 1) else { return nil }
        entries += part.entries
        nodes.formUnion(part.nodes)
      }
      return (entries, nodes)
    case "Slice":
      // Entries [start, end) of the rank-4 shape, clamped as Slice clamps them.
      guard let range = g.sliceOfFirstAxis(node), let shape = node.inputs.first.flatMap(g.shape), shape.of == k else { return nil }
      let clamp = { (x: Int) in Swift.min(Swift.max(x < 0 ? x + 4 : x, 0), 4) }
      let (lo, hi) = (clamp(range.start), clamp(range.end))
      return ((lo..<Swift.max(lo, hi)).map { .dim($0) }, [n, shape.node])
    default:
      return nil
    }
  }
}
