// Indexing by integer lists: `torch.gather` (one index per output element) and
// `torch.index_select` (whole slices). Both gradients scatter-add, so repeated indices accumulate.

/// Picks one element along `axis` per output element, as `torch.gather(x, axis, index)`.
///
/// For `axis: 1` of a rank-2 input, `out[i][j] = x[i][indices[i][j]]`; in general the output
/// coordinate along `axis` is replaced by the index and all other coordinates are kept.
///
/// - Parameters:
///   - x: the source tensor.
///   - axis: the indexed axis; negative counts from the end.
///   - indices: row-major indices of shape `shape`, each in `0..<x.shape[axis]`.
///   - shape: the output (and index) shape: same rank as `x`, with `shape[d] <= x.shape[d]` for
///     every `d != axis`.
public func gather(_ x: Tensor, axis: Int, indices: [Int], shape: [Int]) -> Tensor {
  let a = Shape.axis(axis, rank: x.rank, "gather")
  precondition(shape.count == x.rank, "gather: index shape \(shape) must have the rank of the input \(x.shape)")
  precondition(indices.count == Shape.count(shape), "gather: \(indices.count) indices do not fill shape \(shape)")
  precondition((0..<x.rank).allSatisfy { $0 == a || shape[$0] <= x.shape[$0] },
               "gather: index shape \(shape) exceeds input \(x.shape) outside axis \(axis)")
  let n = x.shape[a]
  precondition(indices.allSatisfy { $0 >= 0 && $0 < n }, "gather: an index is outside 0..<\(n)")
  // Flat source offset of every output element.
  let xStrides = Shape.strides(x.shape)
  var offsets = [Int](repeating: 0, count: indices.count)
  var coord = [Int](repeating: 0, count: shape.count)
  for q in 0..<indices.count {
    var off = 0
    for d in 0..<shape.count { off += (d == a ? indices[q] : coord[d]) * xStrides[d] }
    offsets[q] = off
    var d = shape.count - 1
    while d >= 0 {
      coord[d] += 1
      if coord[d] < shape[d] { break }
      coord[d] = 0
      d -= 1
    }
  }
  let inShape = x.shape, inCount = x.count
  func gatherRaw<T: TensorScalar>(_: T.Type) -> Tensor {
    let src = x.array(T.self)
    return Tensor(shape: shape, array: offsets.map { src[$0] })
  }
  let value: Tensor
  switch x.dtype {
  case .float32: value = gatherRaw(Float.self)
  case .float64: value = gatherRaw(Double.self)
  }
  return Tensor.recorded(value, op: "gather", inputs: [x]) { g, _ in
    func scatter<T: TensorScalar>(_: T.Type) -> Tensor {
      let gs = g.array(T.self)
      var dx = [T](repeating: 0, count: inCount)
      for (q, off) in offsets.enumerated() { dx[off] += gs[q] }
      return Tensor(shape: inShape, array: dx)
    }
    switch g.dtype {
    case .float32: return [scatter(Float.self)]
    case .float64: return [scatter(Double.self)]
    }
  }
}

extension Tensor {
  /// The slices `indices` along `axis`, in that order (`torch.index_select`); indices may repeat.
  ///
  /// For `[N, C, H, W]` and `axis: 0` this picks images; the result has `indices.count` along `axis`.
  public func selecting(indices: [Int], axis: Int) -> Tensor {
    let a = Shape.axis(axis, rank: rank, "selecting")
    let n = shape[a]
    precondition(indices.allSatisfy { $0 >= 0 && $0 < n }, "selecting: an index is outside 0..<\(n) for axis \(axis) of \(shape)")
    let value = gatheredAlongAxis(a, sources: indices)
    return Tensor.recorded(value, op: "indexSelect", inputs: [self]) { g, _ in
      [g.scatterAddedAlongAxis(a, sources: indices, length: n)]
    }
  }
}
