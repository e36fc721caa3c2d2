/// LayerNorm over the last axis as the TorchScript exporter writes it below opset 17:
/// `m = ReduceMean(x, [-1]); d = x - m; v = ReduceMean(d ^ 2, [-1]); n = d / sqrt(v + eps);
/// y = n * weight (+ bias)` -> the native `LayerNormalization` (axis -1, that eps). Anchored at
/// the first `ReduceMean`; a reduction over another axis, without keepdims, or an exponent other
/// than 2 is left as it is.
enum LayerNormFusion {
  static func match(_ g: PatternGraph, _ i: Int) -> PatternRewrite? {
    let mean = g.nodes[i]
    guard mean.qualifiedType == "ReduceMean", lastAxis(g, i), let x = mean.inputs.first, let m = mean.outputs.first,
          let sub = g.onlyReader(m, "Sub"), g.nodes[sub].inputs == [x, m], let d = g.nodes[sub].outputs.first,
          let dReaders = g.readers(d), dReaders.count == 2,
          let pow = dReaders.first(where: { g.nodes[$0].qualifiedType == "Pow" }),
          let div = dReaders.first(where: { g.nodes[$0].qualifiedType == "Div" }),
          g.nodes[pow].inputs.first == d, PatternGraph.close(g.nodes[pow].inputs.dropFirst().first.flatMap(g.scalar), 2, 0),
          let p = g.nodes[pow].outputs.first, let varianceNode = g.onlyReader(p, "ReduceMean"), lastAxis(g, varianceNode),
          let v = g.nodes[varianceNode].outputs.first, let addEps = g.onlyReader(v, "Add"),
          let epsilon = g.other(addEps, than: v).flatMap(g.scalar), epsilon >= 0,
          let e = g.nodes[addEps].outputs.first, let sqrt = g.onlyReader(e, "Sqrt"), let s = g.nodes[sqrt].outputs.first,
          g.onlyReader(s, "Div") == div, g.nodes[div].inputs == [d, s], let n = g.nodes[div].outputs.first,
          let mul = g.onlyReader(n, "Mul"), let weight = g.other(mul, than: n),
          let w = g.floatConstant(weight, rank: 1), w.shape[0] > 1, let y = g.nodes[mul].outputs.first
    else { return nil }
    var removed = [i, sub, pow, varianceNode, addEps, sqrt, div, mul]
    var inputs = [x, weight], last = mul
    if let add = g.onlyReader(y, "Add"), let bias = g.other(add, than: y), g.floatConstant(bias, rank: 1)?.shape == w.shape {
      removed.append(add)
      inputs.append(bias)
      last = add
    }
    return PatternRewrite(g, removed: removed, last: last, type: "LayerNormalization", inputs: inputs,
                          attributes: ["axis": PatternRewrite.int("axis", -1), "epsilon": PatternRewrite.float("epsilon", epsilon)])
  }

  /// Whether ReduceMean node `i` averages over the last axis only (`axes = [-1]`, attribute or
  /// constant input) keeping it.
  private static func lastAxis(_ g: PatternGraph, _ i: Int) -> Bool {
    let node = g.nodes[i]
    guard node.int("keepdims", default: 1) == 1 else { return false }
    let axes = node.inputs.count > 1 ? g.constants[node.inputs[1]].map(\.integers) : node.ints("axes")
    return axes == [-1]
  }
}
