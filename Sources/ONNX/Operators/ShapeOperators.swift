import Autodiff

/// Operators that move or select data without arithmetic, and those that make constants.
/// Those whose inputs are all constant for an input size (shape arithmetic) are folded when the
/// graph is planned for that size.
enum ShapeOperators {
  static let table: [String: Operator] = [
    "Identity": passThrough, "Dropout": passThrough,
    "Shape": { call in
      let shape = try call.input(0).shape
      let rank = shape.count
      func clampAxis(_ a: Int) -> Int { Swift.min(Swift.max(a < 0 ? a + rank : a, 0), rank) }
      let start = clampAxis(call.node.int("start", default: 0)), end = clampAxis(call.node.int("end", default: rank))
      let dims = start < end ? Array(shape[start..<end]) : []
      return [Value(integers: dims, shape: [dims.count])]
    },
    "Size": { call in [Value(integers: [try call.input(0).tensor.count], shape: [])] },
    "Constant": { call in [try constant(call.node, limits: call.limits)] },
    "ConstantOfShape": { call in
      let shape = try call.input(0).integers
      try call.limits.check(shape: shape, "ConstantOfShape's output")
      let fill = try call.node.attributes["value"].map { try TensorData(folder: nil, limits: call.limits).value($0.t) }
      let v = fill?.doubles.first ?? 0
      let t = Tensor(repeating: v, shape: shape, dtype: fill?.isInteger ?? false ? .float64 : .float32)
      return [Value(t, isInteger: fill?.isInteger ?? false)]
    },
    "Range": { call in
      let start = try call.input(0), limits = try call.input(1).doubles, deltas = try call.input(2).doubles
      guard start.tensor.count == 1, limits.count == 1, deltas.count == 1 else { throw GraphError("Range: start, limit and delta must be scalars") }
      let limit = limits[0], delta = deltas[0]
      guard delta != 0 else { throw GraphError("Range: delta is 0") }
      let first = start.doubles[0]
      let steps = ((limit - first) / delta).rounded(.up)
      guard !steps.isNaN else { throw GraphError("Range: start \(first), limit \(limit), delta \(delta) give no length") }
      let count = Swift.max(Value.integer(steps), 0)
      try call.limits.check(shape: [count], "Range's output")
      let t = Tensor(shape: [count], doubles: (0..<count).map { first + Double($0) * delta })
      return [start.isInteger ? Value(t, isInteger: true) : Value(t.converted(to: .float32))]
    },
    "Cast": { call in
      let v = try call.input(0)
      switch call.node.int("to", default: 1) {
      case 1, 10, 11, 16: return [Value(v.float)]  // float, float16, double, bfloat16: run as float32
      case 9: return [Value(integers: v.doubles.map { $0 != 0 ? 1 : 0 }, shape: v.shape)]
      default:
        return [Value(Tensor(shape: v.shape, doubles: v.doubles.map { $0.rounded(.towardZero) }), isInteger: true)]
      }
    },
    "CastLike": { call in
      let v = try call.input(0)
      guard try call.input(1).isInteger else { return [Value(v.float)] }
      return [Value(Tensor(shape: v.shape, doubles: v.doubles.map { $0.rounded(.towardZero) }), isInteger: true)]
    },
    "Reshape": { call in
      let v = try call.input(0)
      return [Value(v.tensor.reshaped(try reshapeTarget(v.shape, try call.input(1).integers, allowZero: call.node.int("allowzero", default: 0) == 1)), isInteger: v.isInteger)]
    },
    "Flatten": { call in
      let v = try call.input(0)
      let raw = call.node.int("axis", default: 1)
      let axis = raw < 0 ? raw + v.rank : raw
      guard axis >= 0, axis <= v.rank else { throw GraphError("Flatten: axis \(raw) is out of range for rank \(v.rank)") }
      let outer = Shape.count(Array(v.shape[..<axis]))
      return [Value(v.tensor.reshaped([outer, Shape.count(Array(v.shape[axis...]))]), isInteger: v.isInteger)]
    },
    "Transpose": { call in
      let v = try call.input(0)
      let perm = call.node.ints("perm") ?? Array((0..<v.rank).reversed())
      guard perm.count == v.rank, Set(perm) == Set(0..<v.rank) else {
        throw GraphError("Transpose: perm \(perm) is not a permutation of \(v.rank) axes")
      }
      return [Value(v.tensor.permuted(perm), isInteger: v.isInteger)]
    },
    "Squeeze": { call in
      let v = try call.input(0)
      let axes = try (call.integers(attribute: "axes", input: 1) ?? v.shape.indices.filter { v.shape[$0] == 1 })
        .map { try normalizedAxis($0, rank: v.rank, "Squeeze") }
      for a in axes where v.shape[a] != 1 { throw GraphError("Squeeze: dimension \(a) of \(v.shape) is not 1") }
      let shape = v.shape.indices.filter { !axes.contains($0) }.map { v.shape[$0] }
      return [Value(v.tensor.reshaped(shape), isInteger: v.isInteger)]
    },
    "Unsqueeze": { call in
      let v = try call.input(0)
      guard let raw = call.integers(attribute: "axes", input: 1) else { throw GraphError("Unsqueeze: no axes") }
      let rank = v.rank + raw.count
      let axes = Set(try raw.map { try normalizedAxis($0, rank: rank, "Unsqueeze") })
      var shape: [Int] = []
      var source = v.shape.makeIterator()
      for d in 0..<rank { shape.append(axes.contains(d) ? 1 : source.next() ?? 1) }
      return [Value(v.tensor.reshaped(shape), isInteger: v.isInteger)]
    },
    "Concat": { call in
      let values = call.inputs.compactMap { $0 }
      guard let first = values.first else { throw GraphError("Concat: no inputs") }
      let integer = values.allSatisfy(\.isInteger)
      let axis = try normalizedAxis(call.node.int("axis", default: 0), rank: first.rank, "Concat")
      let parts = values.filter { $0.tensor.count > 0 || $0.rank == first.rank }.map { integer ? $0.tensor : $0.float }
      for p in parts where p.rank != first.rank || (0..<p.rank).contains(where: { $0 != axis && p.shape[$0] != first.shape[$0] }) {
        throw GraphError("Concat: shapes \(values.map(\.shape)) differ outside axis \(axis)")
      }
      return [Value(concat(parts, axis: axis), isInteger: integer)]
    },
    "Split": { call in
      let v = try call.input(0)
      guard v.rank >= 1 else { throw GraphError("Split: a scalar has no axis to split") }
      let axis = try normalizedAxis(call.node.int("axis", default: 0), rank: v.rank, "Split")
      let n = v.shape[axis]
      var sizes = call.integers(attribute: "split", input: 1) ?? []
      if sizes.isEmpty {
        let parts = call.node.int("num_outputs") ?? call.node.outputs.count
        guard parts >= 1, parts <= call.node.outputs.count else {
          throw GraphError("Split: num_outputs \(parts) for \(call.node.outputs.count) outputs")
        }
        let size = (n + parts - 1) / Swift.max(parts, 1)
        sizes = (0..<parts).map { Swift.min(size, Swift.max(n - $0 * size, 0)) }
      }
      guard sizes.allSatisfy({ $0 >= 0 && $0 <= n }), sizes.reduce(0, +) == n else {
        throw GraphError("Split: sizes \(sizes) do not add up to dimension \(axis) of \(v.shape)")
      }
      var start = 0
      return sizes.map { size in
        defer { start += size }
        return Value(v.tensor.slice(axis: axis, range: start..<(start + size)), isInteger: v.isInteger)
      }
    },
    "Slice": { call in
      var v = try call.input(0)
      let starts = try call.input(1).integers, ends = try call.input(2).integers
      let axes = call.optional(3)?.integers ?? Array(0..<starts.count)
      let steps = call.optional(4)?.integers ?? Array(repeating: 1, count: starts.count)
      guard ends.count == starts.count, axes.count == starts.count, steps.count == starts.count else {
        throw GraphError("Slice: starts, ends, axes and steps differ in length")
      }
      for i in starts.indices {
        let axis = try normalizedAxis(axes[i], rank: v.rank, "Slice"), n = v.shape[axis]
        guard steps[i] != 0 else { throw GraphError("Slice: step 0") }
        // A step longer than the axis picks one element either way; clamped so no index overflows.
        let step = Swift.min(Swift.max(steps[i], -(n + 1)), n + 1)
        func clamped(_ x: Int, _ lo: Int, _ hi: Int) -> Int { Swift.min(Swift.max(x < 0 ? x + n : x, lo), hi) }
        if step > 0 {
          let s = clamped(starts[i], 0, n), e = clamped(ends[i], 0, n)
          v = Value(v.tensor.slice(axis: axis, range: s..<Swift.max(s, e), step: step), isInteger: v.isInteger)
        } else {
          let s = clamped(starts[i], -1, n - 1), e = clamped(ends[i], -1, n - 1)
          let indices = Array(stride(from: s, to: e, by: step))
          v = Value(v.tensor.selecting(indices: indices, axis: axis), isInteger: v.isInteger)
        }
      }
      return [v]
    },
    "Gather": { call in
      let v = try call.input(0), index = try call.input(1)
      let axis = try normalizedAxis(call.node.int("axis", default: 0), rank: v.rank, "Gather")
      let n = v.shape[axis]
      let indices = try index.integers.map { i -> Int in
        let j = i < 0 ? i + n : i
        guard j >= 0, j < n else { throw GraphError("Gather: index \(i) is out of range for dimension \(axis) of \(v.shape)") }
        return j
      }
      let picked = v.tensor.selecting(indices: indices, axis: axis)
      let shape = Array(v.shape[..<axis]) + index.shape + Array(v.shape[(axis + 1)...])
      return [Value(picked.reshaped(shape), isInteger: v.isInteger)]
    },
    "Expand": { call in
      let v = try call.input(0)
      let shape = try broadcastShape(v.shape, try call.input(1).integers, "Expand")
      try call.limits.check(shape: shape, "Expand's output")
      return [Value(v.tensor.broadcast(to: shape), isInteger: v.isInteger)]
    },
    "ScatterND": { call in
      // Mask building on constants (Swin's shifted-window masks): no gradient is recorded.
      let data = try call.input(0), index = try call.input(1), updates = try call.input(2)
      guard !data.tensor.isTracked, !updates.tensor.isTracked else {
        throw GraphError("ScatterND on image-dependent values is not supported (no backward rule)")
      }
      guard call.node.string("reduction", default: "none") == "none" else { throw GraphError("ScatterND: only reduction 'none' is supported") }
      let k = index.shape.last ?? 0
      guard index.rank >= 1, k >= 1, k <= data.rank else { throw GraphError("ScatterND: indices \(index.shape) for data \(data.shape)") }
      let slice = Shape.count(Array(data.shape[k...]))
      let strides = Shape.strides(data.shape)
      var out = data.doubles
      let ids = index.integers, values = updates.doubles
      let count = ids.count / k
      guard values.count == count * slice else { throw GraphError("ScatterND: updates \(updates.shape) for indices \(index.shape) and data \(data.shape)") }
      for i in 0..<count {
        var offset = 0
        for d in 0..<k {
          var j = ids[i * k + d]
          if j < 0 { j += data.shape[d] }
          guard j >= 0, j < data.shape[d] else { throw GraphError("ScatterND: index \(ids[i * k + d]) out of range for \(data.shape)") }
          offset += j * strides[d]
        }
        for e in 0..<slice { out[offset + e] = values[i * slice + e] }
      }
      let t = Tensor(shape: data.shape, doubles: out)
      return [data.isInteger ? Value(t, isInteger: true) : Value(t.converted(to: .float32))]
    },
    "Tile": { call in
      let v = try call.input(0)
      let repeats = try call.input(1).integers
      guard repeats.count == v.rank, repeats.allSatisfy({ $0 >= 1 && $0 <= call.limits.maxDimension }) else {
        throw GraphError("Tile: repeats \(repeats) for shape \(v.shape)")
      }
      try call.limits.check(shape: zip(v.shape, repeats).map { $0 * $1 }, "Tile's output")
      var t = v.tensor
      for (axis, r) in repeats.enumerated() where r > 1 { t = concat(Array(repeating: t, count: r), axis: axis) }
      return [Value(t, isInteger: v.isInteger)]
    },
    "Pad": { call in
      let v = try call.input(0)
      guard call.node.string("mode", default: "constant") == "constant" else {
        throw GraphError("Pad: only mode 'constant' is supported, not '\(call.node.string("mode", default: ""))'")
      }
      guard let pads = call.integers(attribute: "pads", input: 1) else { throw GraphError("Pad: no pads") }
      let fill = call.optional(2)?.doubles.first ?? call.node.float("value", default: 0)
      var axes = Array(0..<v.rank)
      if let given = call.optional(3)?.integers { axes = try given.map { try normalizedAxis($0, rank: v.rank, "Pad") } }
      guard pads.count == 2 * axes.count, pads.allSatisfy({ $0 >= 0 && $0 <= call.limits.maxDimension }) else {
        throw GraphError("Pad: pads \(pads) for \(axes.count) axes (negative pads are not supported)")
      }
      var padding = [(before: Int, after: Int)](repeating: (0, 0), count: v.rank)
      for (i, a) in axes.enumerated() { padding[a] = (pads[i], pads[i + axes.count]) }
      let shape = v.shape.indices.map { v.shape[$0] + padding[$0].before + padding[$0].after }
      try call.limits.check(shape: shape, "Pad's output")
      return [Value(pad(v.tensor, padding, value: fill), isInteger: v.isInteger)]
    },
  ]

  static let passThrough: Operator = { call in
    [try call.input(0)] + (call.node.outputs.count > 1 ? [Value(integers: [], shape: [0])] : [])
  }

  /// A `Constant` node's value, from whichever attribute holds it.
  static func constant(_ node: GraphNode, limits: ONNXLimits) throws -> Value {
    if let t = node.attributes["value"] {
      return try TensorData(folder: nil, limits: limits).value(t.t)
    }
    if let f = node.attributes["value_float"] { return Value(Tensor(shape: [], scalars: [f.f])) }
    if let f = node.attributes["value_floats"] { return Value(Tensor(shape: [f.floats.count], scalars: f.floats)) }
    if let i = node.attributes["value_int"] { return Value(integers: [Int(clamping: i.i)], shape: []) }
    if let i = node.attributes["value_ints"] { return Value(integers: i.ints.map { Int(clamping: $0) }, shape: [i.ints.count]) }
    throw GraphError("Constant: no supported value attribute (\(node.attributes.keys.sorted().joined(separator: ", ")))")
  }

  /// ONNX Reshape's target: 0 copies the input dimension (unless `allowZero`), -1 is inferred.
  static func reshapeTarget(_ shape: [Int], _ target: [Int], allowZero: Bool) throws -> [Int] {
    var out = target.enumerated().map { i, d in d == 0 && !allowZero && i < shape.count ? shape[i] : d }
    let count = Shape.count(shape)
    let inferred = out.filter { $0 == -1 }.count
    guard out.allSatisfy({ $0 >= -1 }), inferred <= 1 else { throw GraphError("Reshape: invalid target \(target)") }
    // A product beyond Int (a target from the file) cannot match the input's count.
    guard let known = ONNXLimits.product(out.filter { $0 != -1 }) else {
      throw GraphError("Reshape: cannot reshape \(shape) to \(target)")
    }
    if inferred == 1 {
      guard known > 0, count % known == 0 else { throw GraphError("Reshape: cannot reshape \(shape) to \(target)") }
      out = out.map { $0 == -1 ? count / known : $0 }
    }
    guard Shape.count(out) == count else { throw GraphError("Reshape: cannot reshape \(shape) to \(target)") }
    return out
  }
}
