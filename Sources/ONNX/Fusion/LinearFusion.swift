/// `MatMul(x, W) + b` with constant `W` (rank 2) and `b` (`[out]`) -> one linear layer
/// (`gradcam.Linear`, weight packed once). Torch exporters write `W` as `Transpose(weight)` of
/// the `[out, in]` parameter: the fused layer reads the parameter itself (`transB = 1`).
enum LinearFusion {
  static func match(_ g: PatternGraph, _ i: Int) -> PatternRewrite? {
    let matmul = g.nodes[i]
    guard matmul.qualifiedType == "MatMul", matmul.inputs.count == 2, let mm = matmul.outputs.first,
          let add = g.onlyReader(mm, "Add"), let biasName = g.other(add, than: mm),
          let bias = g.floatConstant(biasName, rank: 1) else { return nil }
    var removed = [i, add]
    var weight = matmul.inputs[1], transB = 0
    if let w = g.floatConstant(weight, rank: 2) {
      guard bias.shape == [w.shape[1]] else { return nil }
    } else if let t = g.producer(weight), g.nodes[t].qualifiedType == "Transpose", (g.nodes[t].ints("perm") ?? [1, 0]) == [1, 0],
              let source = g.nodes[t].inputs.first, let w = g.floatConstant(source, rank: 2), bias.shape == [w.shape[0]] {
      // The transposed copy is dropped when the MatMul was its only reader.
      if g.onlyReader(weight, "MatMul") == i { removed.append(t) }
      (weight, transB) = (source, 1)
    } else {
      return nil
    }
    return PatternRewrite(g, removed: removed, last: add, type: "Linear", domain: FusedOperators.domain,
                          inputs: [matmul.inputs[0], weight, biasName], attributes: ["transB": PatternRewrite.int("transB", transB)])
  }
}
