import Autodiff

/// Normalisation, softmax and reductions.
enum NormalizationOperators {
  static let table: [String: Operator] = [
    "BatchNormalization": { call in
      let x = try call.float(0)
      let c = x.rank >= 2 ? x.shape[1] : -1
      let params = try (1...4).map { try call.float($0) }
      guard params.allSatisfy({ $0.shape == [c] }) else {
        throw GraphError("BatchNormalization: parameters \(params.map(\.shape)) for input \(x.shape)")
      }
      return [Value(batchNorm(
        x, runningMean: params[2], runningVariance: params[3], weight: params[0], bias: params[1],
        epsilon: call.node.float("epsilon", default: 1e-5)))]
    },
    "LayerNormalization": { call in
      let x = try call.float(0)
      let axis = try normalizedAxis(call.node.int("axis", default: -1), rank: x.rank, "LayerNormalization")
      let normalized = Array(x.shape[axis...])
      let scale = try call.float(1), bias = try call.optional(2).map { $0.float }
      for p in [scale] + (bias.map { [$0] } ?? []) {
        guard (try? broadcastShape(p.shape, normalized, "")) == normalized else {
          throw GraphError("LayerNormalization: parameter \(p.shape) for normalised shape \(normalized)")
        }
      }
      return [Value(layerNorm(
        x, normalizedDimensions: x.rank - axis, weight: scale, bias: bias,
        epsilon: call.node.float("epsilon", default: 1e-5)))]
    },
    "Softmax": softmaxOperator(softmax), "LogSoftmax": softmaxOperator(logSoftmax),
    "ReduceMean": reduce { $0.mean(alongAxes: $1, keepingDimensions: $2) },
    "ReduceSum": reduce { $0.sum(alongAxes: $1, keepingDimensions: $2) },
    "ReduceMax": reduce { $0.max(alongAxes: $1, keepingDimensions: $2) },
  ]

  /// Softmax over `axis`; before opset 13 the input is flattened to 2-D at `axis` first.
  static func softmaxOperator(_ f: @escaping (Tensor, Int) -> Tensor) -> Operator {
    { call in
      let x = try call.float(0)
      let axis = try normalizedAxis(call.node.int("axis", default: call.opset >= 13 ? -1 : 1), rank: x.rank, call.node.opType)
      if call.opset >= 13 || axis == x.rank - 1 { return [Value(f(x, axis))] }
      let flat = x.reshaped([Shape.count(Array(x.shape[..<axis])), Shape.count(Array(x.shape[axis...]))])
      return [Value(f(flat, 1).reshaped(x.shape))]
    }
  }

  /// A reduction over `axes` (an attribute, or an input from opset 13 for ReduceSum and 18 for the others).
  static func reduce(_ f: @escaping (Tensor, [Int], Bool) -> Tensor) -> Operator {
    { call in
      let v = try call.input(0)
      let keep = call.node.int("keepdims", default: 1) == 1
      var axes = call.integers(attribute: "axes", input: 1) ?? []
      if axes.isEmpty {
        if call.node.int("noop_with_empty_axes", default: 0) == 1 { return [v] }
        axes = Array(0..<v.rank)
      }
      let normalized = try Array(Set(axes.map { try normalizedAxis($0, rank: v.rank, call.node.opType) })).sorted()
      let x = v.isInteger ? v.tensor : v.float
      return [Value(f(x, normalized, keep), isInteger: v.isInteger)]
    }
  }
}
