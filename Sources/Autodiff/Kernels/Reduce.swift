/// Reduction of one axis of a tensor viewed as `[outer, n, inner]`.
enum ReduceKind { case sum, max }

extension Tensor {
  /// Reduces `axis` (keeping it as size 1). For `.max` also returns the index of the first
  /// maximum along the axis for every output element.
  func reducedAxis(_ axis: Int, _ kind: ReduceKind) -> (Tensor, [Int32]?) {
    let outer = shape[..<axis].reduce(1, *)
    let n = shape[axis]
    let inner = shape[(axis + 1)...].reduce(1, *)
    var outShape = shape
    outShape[axis] = 1
    switch storage {
    case .float32(let a):
      let (r, idx) = Self.reduce(a, outer, n, inner, kind)
      return (Tensor(shape: outShape, array: r), idx)
    case .float64(let a):
      let (r, idx) = Self.reduce(a, outer, n, inner, kind)
      return (Tensor(shape: outShape, array: r), idx)
    }
  }

  private static func reduce<T: TensorScalar>(
    _ a: [T], _ outer: Int, _ n: Int, _ inner: Int, _ kind: ReduceKind
  ) -> ([T], [Int32]?) {
    var out = [T](repeating: kind == .sum ? 0 : -T.infinity, count: outer * inner)
    var arg: [Int32]? = kind == .max ? [Int32](repeating: 0, count: outer * inner) : nil
    a.withUnsafeBufferPointer { src in
      out.withUnsafeMutableBufferPointer { dst in
        let s = src.baseAddress!, d = dst.baseAddress!
        switch kind {
        case .sum:
          parallelChunks(outer, grain: Swift.max(1, 32_768 / Swift.max(n * inner, 1))) { r in
            for o in r {
              let base = o * n * inner
              let ob = o * inner
              if inner == 1 {
                var acc: T = 0
                for k in 0..<n { acc += s[base + k] }
                d[ob] = acc
              } else {
                for k in 0..<n {
                  let row = base + k * inner
                  for i in 0..<inner { d[ob + i] += s[row + i] }
                }
              }
            }
          }
        case .max:
          arg!.withUnsafeMutableBufferPointer { ab in
            let ap = ab.baseAddress!
            for o in 0..<outer {
              let base = o * n * inner
              let ob = o * inner
              for k in 0..<n {
                let row = base + k * inner
                for i in 0..<inner {
                  // The first maximum wins; a NaN propagates as in PyTorch.
                  let v = s[row + i], cur = d[ob + i]
                  if k == 0 || v > cur || (v.isNaN && !cur.isNaN) {
                    d[ob + i] = v
                    ap[ob + i] = Int32(k)
                  }
                }
              }
            }
          }
        }
      }
    }
    return (out, arg)
  }

  /// Sums this tensor down to `target` (the inverse of broadcasting `target` to `shape`).
  func summed(toShape target: [Int]) -> Tensor {
    if shape == target { return self }
    var t = self
    let offset = shape.count - target.count
    precondition(offset >= 0, "sum to shape: \(shape) cannot reduce to \(target)")
    for axis in 0..<shape.count where axis < offset || target[axis - offset] == 1 && shape[axis] != 1 {
      t = t.reducedAxis(axis, .sum).0
    }
    return t.reshapedRaw(target)
  }

  /// The same elements with another shape of equal count (no graph).
  func reshapedRaw(_ newShape: [Int]) -> Tensor {
    Tensor(shape: newShape, storage: storage)
  }
}
