// Softmax and log-softmax over any axis, numerically stable (the maximum is subtracted first).

extension Tensor {
  /// The 1-D slices along `axis`: `outer` blocks, each of `inner` interleaved slices of `n`
  /// elements spaced `inner` apart.
  fileprivate func slices(along axis: Int) -> (outer: Int, n: Int, inner: Int) {
    (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
  }
}

/// Softmax of one contiguous row of `n` elements into `dst` (which may be `src`): the vector
/// kernel for float32 when there is one, else (and for NaN or infinite rows) the exact scalar loop.
func softmaxRow<T: TensorScalar>(_ src: UnsafePointer<T>, _ dst: UnsafeMutablePointer<T>, count n: Int) {
  if T.self == Float.self && VectorMath.enabled,
     VectorMath.softmaxRow(UnsafeRawPointer(src).assumingMemoryBound(to: Float.self),
                           UnsafeMutableRawPointer(dst).assumingMemoryBound(to: Float.self), count: n) {
    return
  }
  var m = -T.infinity
  for k in 0..<n where src[k] > m || src[k].isNaN { m = src[k] }
  var total: T = 0
  for k in 0..<n {
    let e = T.exp(src[k] - m)
    dst[k] = e
    total += e
  }
  let scale = 1 / total
  for k in 0..<n { dst[k] *= scale }
}

private func softmaxRaw(_ x: Tensor, axis: Int, log: Bool) -> Tensor {
  let (outer, n, inner) = x.slices(along: axis)
  func run<T: TensorScalar>(_: T.Type) -> Tensor {
    let src = x.array(T.self)
    var out = [T](repeating: 0, count: src.count)
    src.withUnsafeBufferPointer { sb in
      out.withUnsafeMutableBufferPointer { ob in
        let s = sb.baseAddress!, o = ob.baseAddress!
        if inner == 1 {
          // Rows are contiguous (softmax over the last axis, as in attention): tight loops.
          parallelChunks(outer, grain: Swift.max(1, 8192 / Swift.max(n, 1))) { r in
            for q in r {
              let src = s + q * n, dst = o + q * n
              if log {
                var m = -T.infinity
                for k in 0..<n where src[k] > m || src[k].isNaN { m = src[k] }
                var total: T = 0
                for k in 0..<n { total += T.exp(src[k] - m) }
                let lse = m + T.log(total)
                for k in 0..<n { dst[k] = src[k] - lse }
              } else {
                softmaxRow(src, dst, count: n)
              }
            }
          }
          return
        }
        parallelChunks(outer * inner, grain: Swift.max(1, 8192 / Swift.max(n, 1))) { r in
          for q in r {
            let base = (q / inner) * n * inner + q % inner
            var m = -T.infinity
            for k in 0..<n { m = Swift.max(m, s[base + k * inner]) }
            var total: T = 0
            for k in 0..<n {
              let e = T.exp(s[base + k * inner] - m)
              o[base + k * inner] = e
              total += e
            }
            if log {
              let lse = m + T.log(total)
              for k in 0..<n { o[base + k * inner] = s[base + k * inner] - lse }
            } else {
              for k in 0..<n { o[base + k * inner] /= total }
            }
          }
        }
      }
    }
    return Tensor(shape: x.shape, array: out)
  }
  switch x.dtype {
  case .float32: return run(Float.self)
  case .float64: return run(Double.self)
  }
}

/// Softmax along `axis`: `exp(x) / sum(exp(x))`.
public func softmax(_ x: Tensor, axis: Int = -1) -> Tensor {
  let a = Shape.axis(axis, rank: x.rank, "softmax")
  let y = softmaxRaw(x, axis: a, log: false)
  return Tensor.recorded(y, op: "softmax", inputs: [x]) { g, _ in
    // dx = y * (g - sum(g * y))
    let gy = g * y
    return [gy - y * gy.sum(alongAxes: [a], keepingDimensions: true)]
  }
}

/// Log-softmax along `axis`: `x - log(sum(exp(x)))`.
public func logSoftmax(_ x: Tensor, axis: Int = -1) -> Tensor {
  let a = Shape.axis(axis, rank: x.rank, "logSoftmax")
  let y = softmaxRaw(x, axis: a, log: true)
  return Tensor.recorded(y, op: "logSoftmax", inputs: [x]) { g, _ in
    // dx = g - softmax(x) * sum(g)
    [g - exp(y) * g.sum(alongAxes: [a], keepingDimensions: true)]
  }
}
