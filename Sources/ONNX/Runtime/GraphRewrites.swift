import Autodiff

/// Load-time rewrites of an imported graph that change no result: constants and identities of
/// initializers become initializers, and a BatchNormalization reading a convolution's output
/// (nothing else reads it) is folded into that convolution's weight and bias, so the pair runs
/// as one convolution.
enum GraphRewrites {
  static func apply(nodes: inout [GraphNode], constants: inout [String: Value], output: String, limits: ONNXLimits) throws {
    // Constant nodes and Identity of a constant: values, not nodes.
    nodes = try nodes.filter { node in
      if node.qualifiedType == "Constant", let out = node.outputs.first {
        constants[out] = try ShapeOperators.constant(node, limits: limits)
        return false
      }
      if node.qualifiedType == "Identity", let source = node.inputs.first, let v = constants[source],
         let out = node.outputs.first, out != output {
        constants[out] = v
        return false
      }
      return true
    }
    foldBatchNorms(&nodes, &constants, output: output)
  }

  private static func foldBatchNorms(_ nodes: inout [GraphNode], _ constants: inout [String: Value], output: String) {
    var readers: [String: Int] = [:]
    for node in nodes { for i in node.inputs where !i.isEmpty { readers[i, default: 0] += 1 } }
    var producer: [String: Int] = [:]
    for (i, node) in nodes.enumerated() { for o in node.outputs { producer[o] = i } }
    var removed = Set<Int>()
    for (b, bn) in nodes.enumerated() where bn.qualifiedType == "BatchNormalization" {
      guard bn.inputs.count == 5, bn.outputs.count == 1 || bn.outputs.dropFirst().allSatisfy({ readers[$0] == nil }),
            let c = producer[bn.inputs[0]], nodes[c].qualifiedType == "Conv", readers[bn.inputs[0]] == 1,
            bn.inputs[0] != output, let w = constants[nodes[c].inputs[1]], w.rank == 4, !w.isInteger
      else { continue }
      let params = bn.inputs[1...4].compactMap { constants[$0] }
      let o = w.shape[0]
      guard params.count == 4, params.allSatisfy({ $0.shape == [o] && !$0.isInteger }) else { continue }
      let bias = nodes[c].inputs.count > 2 && !nodes[c].inputs[2].isEmpty ? constants[nodes[c].inputs[2]] : nil
      if nodes[c].inputs.count > 2 && !nodes[c].inputs[2].isEmpty && bias?.shape != [o] { continue }
      let (scale, shift, mean, variance) = (params[0].doubles, params[1].doubles, params[2].doubles, params[3].doubles)
      let epsilon = bn.float("epsilon", default: 1e-5)
      let factor = (0..<o).map { scale[$0] / (variance[$0] + epsilon).squareRoot() }
      let oldBias = bias?.doubles ?? [Double](repeating: 0, count: o)
      let perOutput = w.tensor.count / Swift.max(o, 1)
      let weights = w.doubles.enumerated().map { i, v in Float(v * factor[i / perOutput]) }
      let newBias = (0..<o).map { Float((oldBias[$0] - mean[$0]) * factor[$0] + shift[$0]) }
      let weightName = "\(bn.outputs[0])::folded_weight", biasName = "\(bn.outputs[0])::folded_bias"
      constants[weightName] = Value(Tensor(shape: w.shape, scalars: weights))
      constants[biasName] = Value(Tensor(shape: [o], scalars: newBias))
      nodes[c].inputs = [nodes[c].inputs[0], weightName, biasName]
      nodes[c].outputs = [bn.outputs[0]]
      removed.insert(b)
    }
    nodes = nodes.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
  }
}
