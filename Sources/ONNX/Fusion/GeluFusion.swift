/// Exact GELU written out, `x * 0.5 * (1 + erf(x / sqrt(2)))` in any of the exporters' orders
/// (`(x * (1 + e)) * 0.5`, `x * (0.5 * (1 + e))`, `(x * 0.5) * (1 + e)`; `x / sqrt(2)` or
/// `x * (1 / sqrt(2))`) -> the native `Gelu`. Anchored at the `Erf`.
enum GeluFusion {
  static func match(_ g: PatternGraph, _ i: Int) -> PatternRewrite? {
    let erf = g.nodes[i]
    guard erf.qualifiedType == "Erf", let a = erf.inputs.first, let e = erf.outputs.first,
          let d = g.producer(a), g.onlyReader(a, "Erf") == i, let x = scaledInput(g, d),
          let plus = g.onlyReader(e, "Add"), PatternGraph.close(g.other(plus, than: e).flatMap(g.scalar), 1, 0),
          let s = g.nodes[plus].outputs.first, let m = g.onlyReader(s, "Mul"), let mOut = g.nodes[m].outputs.first,
          let partner = g.other(m, than: s) else { return nil }
    let half = { (name: String?) in PatternGraph.close(name.flatMap(g.scalar), 0.5, 0) }
    if partner == x, let last = g.onlyReader(mOut, "Mul"), half(g.other(last, than: mOut)) {
      // (x * (1 + e)) * 0.5
      return PatternRewrite(g, removed: [d, i, plus, m, last], last: last, type: "Gelu", inputs: [x])
    }
    if half(partner), let last = g.onlyReader(mOut, "Mul"), g.other(last, than: mOut) == x {
      // x * (0.5 * (1 + e))
      return PatternRewrite(g, removed: [d, i, plus, m, last], last: last, type: "Gelu", inputs: [x])
    }
    if let h = g.producer(partner), g.nodes[h].qualifiedType == "Mul", g.onlyReader(partner, "Mul") == m,
       g.nodes[h].inputs.contains(x), half(g.other(h, than: x)) {
      // (x * 0.5) * (1 + e)
      return PatternRewrite(g, removed: [d, h, i, plus, m], last: m, type: "Gelu", inputs: [x])
    }
    return nil
  }

  /// `x` of node `d` when it is `x / sqrt(2)` or `x * (1 / sqrt(2))`.
  private static func scaledInput(_ g: PatternGraph, _ d: Int) -> String? {
    let node = g.nodes[d]
    guard node.inputs.count == 2 else { return nil }
    if node.qualifiedType == "Div", PatternGraph.close(g.scalar(node.inputs[1]), 2.0.squareRoot()) { return node.inputs[0] }
    if node.qualifiedType == "Mul" {
      for (k, c) in [(0, 1), (1, 0)] where PatternGraph.close(g.scalar(node.inputs[c]), 0.5.squareRoot()) {
        return node.inputs[k]
      }
    }
    return nil
  }
}
