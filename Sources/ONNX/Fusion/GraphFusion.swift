/// Load-time pattern fusion: the decomposed forms exporters write for a PyTorch layer run as
/// the native op (LayerNorm, exact GELU, a linear layer with its bias, multi-head attention),
/// matched exactly and otherwise left node by node. Values inside a fused pattern are no longer
/// computed, so they are no longer layers; the fused value keeps the name of the pattern's last
/// value.
enum GraphFusion {
  /// A rewrite's matcher: the pattern starting at node `i`, if it matches there.
  typealias Matcher = (PatternGraph, Int) -> PatternRewrite?

  /// The rewrites, in order (each sees the graph the previous ones left).
  static let rewrites: [(kind: String, match: Matcher)] = [
    ("LayerNormalization", LayerNormFusion.match),
    ("Linear", LinearFusion.match),
    ("Gelu", GeluFusion.match),
    (AttentionFusion.type, AttentionFusion.match),
  ]

  /// Fuses every pattern of `nodes`; returns how many of each kind.
  static func apply(nodes: inout [GraphNode], constants: [String: Value], output: String) -> [String: Int] {
    var counts: [String: Int] = [:]
    for (kind, match) in rewrites {
      let graph = PatternGraph(nodes: nodes, constants: constants, output: output)
      var removed = Set<Int>(), replacements: [Int: GraphNode] = [:]
      for i in nodes.indices where !removed.contains(i) {
        // No value of a replaced node is read outside the pattern, other than those the fused node
        // gives (a hand-made file may give a pattern's node more outputs, or read its middle values).
        guard let rewrite = match(graph, i), !rewrite.replacement.outputs[0].isEmpty,
              rewrite.removed.allSatisfy({ !removed.contains($0) }),
              graph.isClosed(Set(rewrite.removed), keeping: Set(rewrite.replacement.outputs)) else { continue }
        // The fused node takes the place of the pattern's last node: its inputs exist by then.
        let last = rewrite.removed.max()!
        removed.formUnion(rewrite.removed)
        replacements[last] = rewrite.replacement
        counts[kind, default: 0] += 1
      }
      nodes = nodes.indices.compactMap { i in replacements[i] ?? (removed.contains(i) ? nil : nodes[i]) }
    }
    return counts
  }
}
