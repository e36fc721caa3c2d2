// Joining tensors along an axis: concatenation (`torch.cat`) and stacking (`torch.stack`).

/// Concatenates tensors along `axis` (`torch.cat`); all other dimensions must match.
///
/// For `[N, C_i, H, W]` inputs and `axis: 1` the result is `[N, sum(C_i), H, W]`. Each input's
/// gradient is its slice of the output gradient.
///
/// - Parameters:
///   - tensors: one or more tensors of the same rank and element type.
///   - axis: the joined axis; negative counts from the end.
public func concat(_ tensors: [Tensor], axis: Int) -> Tensor {
  precondition(!tensors.isEmpty, "concat: no tensors")
  let first = tensors[0]
  let a = Shape.axis(axis, rank: first.rank, "concat")
  for (i, t) in tensors.enumerated() {
    precondition(t.dtype == first.dtype, "concat: tensor \(i) is \(t.dtype), tensor 0 is \(first.dtype)")
    precondition(
      t.rank == first.rank && (0..<t.rank).allSatisfy { $0 == a || t.shape[$0] == first.shape[$0] },
      "concat: tensor \(i) has shape \(t.shape), incompatible with \(first.shape) along axis \(axis)")
  }
  let lengths = tensors.map { $0.shape[a] }
  let total = lengths.reduce(0, +)
  var outShape = first.shape
  outShape[a] = total
  let outer = first.shape[..<a].reduce(1, *), inner = first.shape[(a + 1)...].reduce(1, *)
  func run<T: TensorScalar>(_: T.Type) -> Tensor {
    var out = [T](repeating: 0, count: outer * total * inner)
    out.withUnsafeMutableBufferPointer { ob in
      let o = ob.baseAddress!
      var offset = 0
      for (t, len) in zip(tensors, lengths) {
        let block = len * inner
        t.array(T.self).withUnsafeBufferPointer { sb in
          let s = sb.baseAddress!
          if block > 0 {
            for b in 0..<outer { (o + (b * total + offset) * inner).update(from: s + b * block, count: block) }
          }
        }
        offset += len
      }
    }
    return Tensor(shape: outShape, array: out)
  }
  let value: Tensor
  switch first.dtype {
  case .float32: value = run(Float.self)
  case .float64: value = run(Double.self)
  }
  return Tensor.recorded(value, op: "concat", inputs: tensors) { g, needs in
    var offset = 0
    return lengths.enumerated().map { i, len in
      defer { offset += len }
      return needs[i] ? g.gatheredAlongAxis(a, sources: Array(offset..<(offset + len))) : nil
    }
  }
}

/// Stacks tensors of equal shape along a new axis (`torch.stack`): `k` tensors of shape `[C, H, W]`
/// stacked at `axis: 0` give `[k, C, H, W]`.
public func stack(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
  precondition(!tensors.isEmpty, "stack: no tensors")
  let shape = tensors[0].shape
  precondition(tensors.allSatisfy { $0.shape == shape }, "stack: shapes differ: \(tensors.map(\.shape))")
  let a = axis < 0 ? axis + shape.count + 1 : axis
  precondition(a >= 0 && a <= shape.count, "stack: axis \(axis) out of range for rank \(shape.count)")
  return concat(tensors.map { $0.expandingShape(at: a) }, axis: a)
}
