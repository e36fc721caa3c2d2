/// A scalar function applied element by element (the kernel of a unary op).
protocol UnaryKernel {
  func callAsFunction<T: TensorScalar>(_ x: T) -> T
}

/// A scalar function of two arguments applied element by element with broadcasting.
protocol BinaryKernel {
  func callAsFunction<T: TensorScalar>(_ a: T, _ b: T) -> T
}

extension Tensor {
  /// Applies a unary kernel to every element (no graph).
  func mapped<K: UnaryKernel>(_ kernel: K) -> Tensor {
    switch storage {
    case .float32(let a): return Tensor(shape: shape, array: Self.map(a, kernel))
    case .float64(let a): return Tensor(shape: shape, array: Self.map(a, kernel))
    }
  }

  private static func map<T: TensorScalar, K: UnaryKernel>(_ a: [T], _ kernel: K) -> [T] {
    [T](unsafeUninitializedCapacity: a.count) { out, n in
      a.withUnsafeBufferPointer { src in
        let s = src.baseAddress!
        let o = out.baseAddress!
        parallelChunks(a.count) { r in
          for i in r { o[i] = kernel(s[i]) }
        }
      }
      n = a.count
    }
  }

  /// Combines two tensors element by element with numpy broadcasting (no graph).
  static func zipped<K: BinaryKernel>(_ a: Tensor, _ b: Tensor, _ kernel: K, op: String) -> Tensor {
    precondition(a.dtype == b.dtype, "\(op): element types differ (\(a.dtype) vs \(b.dtype)); convert one with .converted(to:)")
    let shape = shapeCheck(op) { () throws(ShapeError) in try Shape.broadcast(a.shape, b.shape) }
    switch (a.storage, b.storage) {
    case (.float32(let x), .float32(let y)):
      return Tensor(shape: shape, array: zip(x, a.shape, y, b.shape, shape, kernel))
    case (.float64(let x), .float64(let y)):
      return Tensor(shape: shape, array: zip(x, a.shape, y, b.shape, shape, kernel))
    default: preconditionFailure("unreachable")
    }
  }

  private static func zip<T: TensorScalar, K: BinaryKernel>(
    _ x: [T], _ xs: [Int], _ y: [T], _ ys: [Int], _ shape: [Int], _ kernel: K
  ) -> [T] {
    let n = Shape.count(shape)
    return [T](unsafeUninitializedCapacity: n) { out, count in
      count = n
      guard n > 0 else { return }
      x.withUnsafeBufferPointer { xb in
        y.withUnsafeBufferPointer { yb in
          let xp = xb.baseAddress!, yp = yb.baseAddress!, o = out.baseAddress!
          if xs == ys {
            parallelChunks(n) { r in for i in r { o[i] = kernel(xp[i], yp[i]) } }
          } else if y.count == 1 {
            let v = yp[0]
            parallelChunks(n) { r in for i in r { o[i] = kernel(xp[i], v) } }
          } else if x.count == 1 {
            let v = xp[0]
            parallelChunks(n) { r in for i in r { o[i] = kernel(v, yp[i]) } }
          } else {
            // General case: walk the output row by row; the last dimension is the inner loop,
            // made as long as the operands allow by merging dimensions.
            let (shape, sx, sy) = Shape.coalesced(shape, Shape.broadcastStrides(xs, to: shape), Shape.broadcastStrides(ys, to: shape))
            let rank = shape.count
            let inner = shape[rank - 1]
            let ix = sx[rank - 1], iy = sy[rank - 1]
            let rows = n / Swift.max(inner, 1)
            parallelChunks(rows, grain: Swift.max(1, 32_768 / Swift.max(inner, 1))) { r in
              var index = [Int](repeating: 0, count: rank)
              for row in r {
                // Decompose the row number into outer indices.
                var rem = row
                var ox = 0, oy = 0
                for d in stride(from: rank - 2, through: 0, by: -1) {
                  index[d] = rem % shape[d]
                  rem /= shape[d]
                  ox += index[d] * sx[d]
                  oy += index[d] * sy[d]
                }
                let base = row * inner
                // Contiguous rows (a bias or a residual over the last dimension) get loops the
                // compiler vectorises; the strided loop handles the rest. Same arithmetic.
                if ix == 1 && iy == 1 {
                  for j in 0..<inner { o[base + j] = kernel(xp[ox + j], yp[oy + j]) }
                } else if ix == 1 && iy == 0 {
                  let v = yp[oy]
                  for j in 0..<inner { o[base + j] = kernel(xp[ox + j], v) }
                } else if ix == 0 && iy == 1 {
                  let v = xp[ox]
                  for j in 0..<inner { o[base + j] = kernel(v, yp[oy + j]) }
                } else {
                  for j in 0..<inner { o[base + j] = kernel(xp[ox + j * ix], yp[oy + j * iy]) }
                }
              }
            }
          }
        }
      }
    }
  }
}
