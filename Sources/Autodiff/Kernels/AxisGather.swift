// Moving whole slices along one axis: the raw kernels behind slicing, padding, concatenation and
// index_select. A tensor is viewed as `[outer, length, inner]` around the axis.

extension Tensor {
  /// `(outer, length, inner)` of this tensor around `axis`.
  func axisBlocks(_ axis: Int) -> (outer: Int, length: Int, inner: Int) {
    (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
  }

  /// A tensor whose slice `j` along `axis` is this tensor's slice `sources[j]`, or `fill` where
  /// `sources[j] < 0` (no graph).
  func gatheredAlongAxis(_ axis: Int, sources: [Int], fill: Double = 0) -> Tensor {
    let (outer, length, inner) = axisBlocks(axis)
    precondition(sources.allSatisfy { $0 < length }, "gather along axis: source index out of range")
    var outShape = shape
    outShape[axis] = sources.count
    let m = sources.count
    func run<T: TensorScalar>(_: T.Type) -> Tensor {
      let src = array(T.self)
      let f = T(fill)
      var out = [T](repeating: f, count: outer * m * inner)
      src.withUnsafeBufferPointer { sb in
        out.withUnsafeMutableBufferPointer { ob in
          let s = sb.baseAddress!, o = ob.baseAddress!
          parallelChunks(outer, grain: Swift.max(1, 16_384 / Swift.max(m * inner, 1))) { r in
            for b in r {
              for j in 0..<m where sources[j] >= 0 {
                let from = s + (b * length + sources[j]) * inner
                let to = o + (b * m + j) * inner
                to.update(from: from, count: inner)
              }
            }
          }
        }
      }
      return Tensor(shape: outShape, array: out)
    }
    switch dtype {
    case .float32: return run(Float.self)
    case .float64: return run(Double.self)
    }
  }

  /// The transpose of ``gatheredAlongAxis(_:sources:fill:)``: a tensor with `length` slices
  /// along `axis` where slice `sources[j]` accumulates this tensor's slice `j` (no graph).
  func scatterAddedAlongAxis(_ axis: Int, sources: [Int], length: Int) -> Tensor {
    let (outer, m, inner) = axisBlocks(axis)
    precondition(m == sources.count, "scatter along axis: \(m) slices but \(sources.count) indices")
    var outShape = shape
    outShape[axis] = length
    func run<T: TensorScalar>(_: T.Type) -> Tensor {
      let src = array(T.self)
      var out = [T](repeating: 0, count: outer * length * inner)
      src.withUnsafeBufferPointer { sb in
        out.withUnsafeMutableBufferPointer { ob in
          let s = sb.baseAddress!, o = ob.baseAddress!
          parallelChunks(outer, grain: Swift.max(1, 16_384 / Swift.max(m * inner, 1))) { r in
            for b in r {
              for j in 0..<m where sources[j] >= 0 {
                let from = s + (b * m + j) * inner
                let to = o + (b * length + sources[j]) * inner
                for e in 0..<inner { to[e] += from[e] }
              }
            }
          }
        }
      }
      return Tensor(shape: outShape, array: out)
    }
    switch dtype {
    case .float32: return run(Float.self)
    case .float64: return run(Double.self)
    }
  }
}
