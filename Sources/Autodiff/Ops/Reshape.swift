// Views that move elements without changing them: reshape, permute, transpose, broadcast.

extension Tensor {
  /// The same elements with a new shape; one dimension may be -1 (inferred).
  public func reshaped(_ newShape: [Int]) -> Tensor {
    var target = newShape
    if let i = newShape.firstIndex(of: -1) {
      let known = newShape.enumerated().filter { $0.offset != i }.reduce(1) { $0 * $1.element }
      precondition(known > 0 && count % known == 0, "reshape: cannot reshape \(shape) to \(newShape)")
      target[i] = count / known
    }
    precondition(
      Shape.count(target) == count && target.allSatisfy { $0 >= 0 },
      "reshape: cannot reshape \(shape) (\(count) elements) to \(newShape)")
    let inShape = shape
    return Tensor.recorded(reshapedRaw(target), op: "reshape", inputs: [self]) { g, _ in
      [g.reshapedRaw(inShape)]
    }
  }

  /// Flattens dimensions `from...` into one (PyTorch `flatten(start_dim=from)`).
  public func flattened(from axis: Int = 0) -> Tensor {
    let a = Shape.axis(axis, rank: Swift.max(rank, 1), "flatten")
    return reshaped(Array(shape[..<a]) + [shape[a...].reduce(1, *)])
  }

  /// Reorders dimensions: output dimension `i` is input dimension `order[i]`.
  public func permuted(_ order: [Int]) -> Tensor {
    let o = order.map { Shape.axis($0, rank: rank, "permute") }
    precondition(Set(o).count == rank && o.count == rank, "permute: \(order) is not a permutation of \(rank) axes")
    let inverse = Tensor.inversePermutation(o)
    return Tensor.recorded(permutedRaw(o), op: "permute", inputs: [self]) { g, _ in
      [g.permutedRaw(inverse)]
    }
  }

  /// Swaps two dimensions (the last two by default).
  public func transposed(_ a: Int = -2, _ b: Int = -1) -> Tensor {
    var order = Array(0..<rank)
    order.swapAt(Shape.axis(a, rank: rank, "transpose"), Shape.axis(b, rank: rank, "transpose"))
    return permuted(order)
  }

  /// Repeats size-1 dimensions to reach `target` (numpy broadcasting).
  public func broadcast(to target: [Int]) -> Tensor {
    let s = shapeCheck("broadcast") { () throws(ShapeError) in try Shape.broadcast(shape, target) }
    precondition(s == target, "broadcast: \(shape) cannot be broadcast to \(target)")
    let inShape = shape
    return Tensor.recorded(broadcastRaw(to: target), op: "broadcast", inputs: [self]) { g, _ in
      [g.summed(toShape: inShape)]
    }
  }

  /// Inserts a size-1 dimension at `axis`.
  public func expandingShape(at axis: Int) -> Tensor {
    let a = axis < 0 ? axis + rank + 1 : axis
    precondition(a >= 0 && a <= rank, "expandingShape: axis \(axis) out of range for rank \(rank)")
    var s = shape
    s.insert(1, at: a)
    return reshaped(s)
  }

  /// Removes size-1 dimension `axis`.
  public func squeezingShape(at axis: Int) -> Tensor {
    let a = Shape.axis(axis, rank: rank, "squeeze")
    precondition(shape[a] == 1, "squeeze: dimension \(axis) of \(shape) is not 1")
    var s = shape
    s.remove(at: a)
    return reshaped(s)
  }

  static func inversePermutation(_ order: [Int]) -> [Int] {
    var inv = [Int](repeating: 0, count: order.count)
    for (i, o) in order.enumerated() { inv[o] = i }
    return inv
  }

  /// Materialises a permutation (no graph).
  func permutedRaw(_ order: [Int]) -> Tensor {
    if order == Array(0..<rank) { return self }
    let newShape = order.map { shape[$0] }
    let inStrides = Shape.strides(shape)
    let strides = order.map { inStrides[$0] }
    switch storage {
    case .float32(let a): return Tensor(shape: newShape, array: Self.gather(a, newShape, strides))
    case .float64(let a): return Tensor(shape: newShape, array: Self.gather(a, newShape, strides))
    }
  }

  /// Materialises broadcasting (no graph).
  func broadcastRaw(to target: [Int]) -> Tensor {
    if shape == target { return self }
    let strides = Shape.broadcastStrides(shape, to: target)
    switch storage {
    case .float32(let a): return Tensor(shape: target, array: Self.gather(a, target, strides))
    case .float64(let a): return Tensor(shape: target, array: Self.gather(a, target, strides))
    }
  }

  /// Reads `src` at the given per-dimension strides into a dense array of `shape`.
  static func gather<T: TensorScalar>(_ src: [T], _ shape: [Int], _ strides: [Int]) -> [T] {
    let n = Shape.count(shape)
    let rank = shape.count
    guard rank > 0 else { return src }
    return [T](unsafeUninitializedCapacity: n) { out, count in
      count = n
      guard n > 0 else { return }
      src.withUnsafeBufferPointer { sb in
        let s = sb.baseAddress!, o = out.baseAddress!
        let inner = shape[rank - 1], innerStride = strides[rank - 1]
        let rows = n / inner
        parallelChunks(rows, grain: Swift.max(1, 16_384 / inner)) { r in
          for row in r {
            var rem = row
            var offset = 0
            for d in stride(from: rank - 2, through: 0, by: -1) {
              offset += (rem % shape[d]) * strides[d]
              rem /= shape[d]
            }
            let base = row * inner
            if innerStride == 1 {
              for j in 0..<inner { o[base + j] = s[offset + j] }
            } else {
              for j in 0..<inner { o[base + j] = s[offset + j * innerStride] }
            }
          }
        }
      }
    }
  }
}
