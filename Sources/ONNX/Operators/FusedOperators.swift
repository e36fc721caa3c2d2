import Autodiff

/// Operators that only load-time fusion writes (``GraphFusion``), in their own domain: a file
/// naming them is refused as unsupported.
enum FusedOperators {
  static let domain = "gradcam.fused"

  static let table: [String: Operator] = [
    // A linear layer `x W + b`: W is `[in, out]`, or `[out, in]` (PyTorch's layout) with transB = 1.
    "\(domain).Linear": { call in [try linear(call)] },
    // Multi-head attention from the split qkv projection (``AttentionFusion``): the heads' outputs
    // and the probabilities (a pass that needs neither runs it through ``GraphProgram`` instead).
    "\(domain).\(AttentionFusion.type)": { call in
      let (y, p) = try FusedAttention.run(call, .values)
      return [Value(y)] + (p.map { [Value($0)] } ?? [])
    },
  ]

  /// The fused Linear node's `x W + b`, plus `residual` (its output's shape) in the same store
  /// when the runner fuses the `Add` that follows it (``GraphProgram``).
  static func linear(_ call: OperatorCall, residual: Tensor? = nil) throws -> Value {
    let x = try call.float(0), w = try call.float(1), bias = try call.float(2)
    let transB = call.node.int("transB", default: 0) == 1
    guard w.rank == 2, let features = x.shape.last, features == (transB ? w.shape[1] : w.shape[0]) else {
      throw GraphError("MatMul: inner dimensions differ: \(x.shape) x \(transB ? [w.shape.last ?? 0, w.shape.first ?? 0] : w.shape)")
    }
    guard bias.shape == [transB ? w.shape[0] : w.shape[1]] else { throw GraphError("Add: bias \(bias.shape) for weight \(w.shape)") }
    if let residual, residual.shape != Array(x.shape.dropLast()) + [bias.count] {
      throw GraphError("Add: residual \(residual.shape) does not match the linear layer's output")
    }
    let prepared = call.prepared(input: 1, transB ? "linear[out,in]" : "linear") {
      let weight = transB ? w : w.transposed()
      return (weight, PackedWeights(linearWeight: weight))
    }
    return Value(Autodiff.linear(x, weight: prepared?.weight ?? (transB ? w : w.transposed()), bias: bias, packedWeight: prepared?.packed,
                                 residual: residual))
  }
}
