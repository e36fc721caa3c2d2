// Batch normalisation (inference and training) and layer normalisation, composed from
// differentiable primitives, plus the per-channel affine map they share.

/// `x * scale[c] + shift[c]` over channel axis 1 of `[N, C, ...]`, in one pass.
public func channelAffine(_ x: Tensor, scale: Tensor, shift: Tensor) -> Tensor {
  precondition(x.rank >= 2, "channelAffine: input must be [N, C, ...], got \(x.shape)")
  let c = x.shape[1]
  precondition(scale.shape == [c] && shift.shape == [c], "channelAffine: scale and shift must be [\(c)], got \(scale.shape) and \(shift.shape)")
  let plane = x.shape[2...].reduce(1, *)
  let n = x.shape[0]
  func run<T: TensorScalar>(_: T.Type) -> Tensor {
    let src = x.array(T.self), s = scale.array(T.self), t = shift.array(T.self)
    var out = [T](repeating: 0, count: src.count)
    src.withUnsafeBufferPointer { sb in
      out.withUnsafeMutableBufferPointer { ob in
        let sp = sb.baseAddress!, op = ob.baseAddress!
        parallelChunks(n * c, grain: Swift.max(1, 32_768 / Swift.max(plane, 1))) { r in
          for p in r {
            let a = s[p % c], b = t[p % c]
            let base = p * plane
            for i in 0..<plane { op[base + i] = sp[base + i] * a + b }
          }
        }
      }
    }
    return Tensor(shape: x.shape, array: out)
  }
  let value = x.dtype == .float32 ? run(Float.self) : run(Double.self)
  var axes = [0]
  axes += Array(2..<x.rank)
  return Tensor.recorded(value, op: "channelAffine", inputs: [x, scale, shift]) { g, needs in
    [needs[0] ? channelAffine(g, scale: scale, shift: Tensor.zeros([c], dtype: g.dtype)) : nil,
     needs[1] ? (g * x).sum(alongAxes: axes) : nil,
     needs[2] ? g.sum(alongAxes: axes) : nil]
  }
}

/// Batch normalisation over channel axis 1 of `[N, C, ...]` with running statistics
/// (inference, PyTorch `eval()` mode): `(x - mean) / sqrt(var + eps) * weight + bias`.
public func batchNorm(
  _ x: Tensor, runningMean: Tensor, runningVariance: Tensor, weight: Tensor?, bias: Tensor?,
  epsilon: Double = 1e-5
) -> Tensor {
  let c = x.shape[1]
  let inv = 1 / sqrt(runningVariance + epsilon)
  let scale = weight.map { $0 * inv } ?? inv
  let shift = (bias ?? Tensor.zeros([c], dtype: x.dtype)) - runningMean * scale
  return channelAffine(x, scale: scale, shift: shift)
}

/// Batch normalisation with batch statistics (training mode).
///
/// - Returns: the normalised tensor and the updated running mean and variance (momentum
///   `momentum`, unbiased batch variance, as PyTorch).
public func batchNormTraining(
  _ x: Tensor, runningMean: Tensor, runningVariance: Tensor, weight: Tensor?, bias: Tensor?,
  momentum: Double = 0.1, epsilon: Double = 1e-5
) -> (output: Tensor, runningMean: Tensor, runningVariance: Tensor) {
  let c = x.shape[1]
  var axes = [0]
  axes += Array(2..<x.rank)
  let count = x.count / c
  let mean = x.mean(alongAxes: axes)
  let variance = x.variance(alongAxes: axes)
  let inv = 1 / sqrt(variance + epsilon)
  let scale = weight.map { $0 * inv } ?? inv
  let shift = (bias ?? Tensor.zeros([c], dtype: x.dtype)) - mean * scale
  let y = channelAffine(x, scale: scale, shift: shift)
  let unbiased = variance.detached() * (Double(count) / Double(max(count - 1, 1)))
  let newMean = runningMean * (1 - momentum) + mean.detached() * momentum
  let newVariance = runningVariance * (1 - momentum) + unbiased * momentum
  return (y, newMean, newVariance)
}

/// Layer normalisation over the last `normalizedDimensions` axes (PyTorch `layer_norm`).
///
/// One op: each row's mean and variance (of the centred row, as PyTorch) are computed while the
/// row is in cache, then it is normalised with the affine map in the same task; rows run in
/// parallel. The backward pass is the closed form
/// `dx = (gw - mean(gw) - x^ * mean(gw * x^)) / sigma` with `gw = g * weight`.
///
/// - Parameters:
///   - weight, bias: of the normalised shape, or nil.
public func layerNorm(
  _ x: Tensor, normalizedDimensions: Int = 1, weight: Tensor?, bias: Tensor?, epsilon: Double = 1e-5
) -> Tensor {
  let normalizedShape = Array(x.shape[(x.rank - normalizedDimensions)...])
  let width = normalizedShape.reduce(1, *)
  // Parameters that broadcast to the normalised shape (an ONNX graph's) are expanded first.
  func full(_ p: Tensor?) -> Tensor? {
    p.map { $0.count == width ? $0 : $0 + Tensor.zeros(normalizedShape, dtype: $0.dtype) }
  }
  let (weight, bias) = (full(weight), full(bias))
  for p in [weight, bias].compactMap({ $0 }) {
    precondition(p.count == width && p.dtype == x.dtype, "layerNorm: weight and bias must have \(width) elements of \(x.dtype), got \(p.shape)")
  }
  let rows = width == 0 ? 0 : x.count / width
  let records = Tensor.willRecord(x) || weight.map { Tensor.willRecord($0) } ?? false || bias.map { Tensor.willRecord($0) } ?? false
  func run<T: TensorScalar>(_: T.Type) -> (Tensor, Tensor) {
    let (y, normalised) = layerNormRows(
      x.array(T.self), rows: rows, width: width, weight: weight?.array(T.self), bias: bias?.array(T.self),
      epsilon: T(epsilon), keepsNormalised: records)
    return (Tensor(shape: x.shape, array: y), Tensor(shape: records ? x.shape : [0], array: normalised))
  }
  let (value, normalised) = x.dtype == .float32 ? run(Float.self) : run(Double.self)
  let inputs = [x] + [weight, bias].compactMap { $0 }
  let leading = Array(0..<(x.rank - normalizedDimensions))
  return Tensor.recorded(value, op: "layerNorm", inputs: inputs) { g, needs in
    func back<T: TensorScalar>(_: T.Type) -> Tensor {
      Tensor(shape: x.shape, array: layerNormInputGradient(
        g.array(T.self), normalised: normalised.array(T.self), x: x.array(T.self), rows: rows, width: width,
        weight: weight?.array(T.self), epsilon: T(epsilon)))
    }
    var grads: [Tensor?] = [needs[0] ? (g.dtype == .float32 ? back(Float.self) : back(Double.self)) : nil]
    if let weight { grads.append(needs[1] ? (g * normalised).sum(alongAxes: leading).reshaped(weight.shape) : nil) }
    if let bias { grads.append(needs[grads.count] ? g.sum(alongAxes: leading).reshaped(bias.shape) : nil) }
    return grads
  }
}

/// The mean and `1 / sqrt(variance + epsilon)` of one row (the variance of the centred row).
@inline(__always)
private func rowStatistics<T: TensorScalar>(_ r: UnsafePointer<T>, width: Int, epsilon: T) -> (mean: T, inverse: T) {
  if T.self == Float.self {
    let (mean, inverse) = floatRowStatistics(UnsafeRawPointer(r).assumingMemoryBound(to: Float.self), width: width,
                                             epsilon: unsafeBitCast(epsilon, to: Float.self))
    return (unsafeBitCast(mean, to: T.self), unsafeBitCast(inverse, to: T.self))
  }
  var s0: T = 0, s1: T = 0, s2: T = 0, s3: T = 0
  var j = 0
  // Four partial sums, so the loop is not one long dependency chain.
  while j + 4 <= width {
    s0 += r[j]; s1 += r[j + 1]; s2 += r[j + 2]; s3 += r[j + 3]
    j += 4
  }
  while j < width { s0 += r[j]; j += 1 }
  let mean = ((s0 + s1) + (s2 + s3)) / T(width)
  s0 = 0; s1 = 0; s2 = 0; s3 = 0
  j = 0
  while j + 4 <= width {
    let (d0, d1, d2, d3) = (r[j] - mean, r[j + 1] - mean, r[j + 2] - mean, r[j + 3] - mean)
    s0 += d0 * d0; s1 += d1 * d1; s2 += d2 * d2; s3 += d3 * d3
    j += 4
  }
  while j < width {
    let d = r[j] - mean
    s0 += d * d
    j += 1
  }
  let variance = ((s0 + s1) + (s2 + s3)) / T(width)
  return (mean, 1 / (variance + epsilon).squareRoot())
}

/// rowStatistics of a float32 row with sixteen partial sums in one vector (the scalar form's
/// four made a ViT-S LayerNorm of 197 x 384 take 44 us on 2 cores).
@inline(__always)
private func floatRowStatistics(_ r: UnsafePointer<Float>, width: Int, epsilon: Float) -> (mean: Float, inverse: Float) {
  let raw = UnsafeRawPointer(r)
  var acc = SIMD16<Float>(repeating: 0), j = 0
  while j + 16 <= width {
    acc += raw.loadUnaligned(fromByteOffset: j * 4, as: SIMD16<Float>.self)
    j += 16
  }
  var sum = acc.sum()
  while j < width { sum += r[j]; j += 1 }
  let mean = sum / Float(width), centre = SIMD16<Float>(repeating: mean)
  acc = SIMD16<Float>(repeating: 0)
  j = 0
  while j + 16 <= width {
    let d = raw.loadUnaligned(fromByteOffset: j * 4, as: SIMD16<Float>.self) - centre
    acc += d * d
    j += 16
  }
  var squares = acc.sum()
  while j < width {
    let d = r[j] - mean
    squares += d * d
    j += 1
  }
  return (mean, 1 / (squares / Float(width) + epsilon).squareRoot())
}

/// Layer norm of `rows` contiguous rows of `width`: the output, and the normalised rows
/// `(x - mean) / sigma` when kept for the backward pass.
private func layerNormRows<T: TensorScalar>(
  _ x: [T], rows: Int, width: Int, weight: [T]?, bias: [T]?, epsilon: T, keepsNormalised: Bool
) -> (y: [T], normalised: [T]) {
  // Not zero-filled first: every row is written below.
  var y = [T](unsafeUninitializedCapacity: x.count) { _, count in count = x.count }
  var normalised = [T](unsafeUninitializedCapacity: keepsNormalised ? x.count : 0) { _, count in count = keepsNormalised ? x.count : 0 }
  let w = weight ?? [T](repeating: 1, count: width), b = bias ?? [T](repeating: 0, count: width)
  x.withUnsafeBufferPointer { xb in
    y.withUnsafeMutableBufferPointer { yb in
      normalised.withUnsafeMutableBufferPointer { nb in
        w.withUnsafeBufferPointer { wb in
          b.withUnsafeBufferPointer { bb in
            let (xp, yp, np, wp, bp) = (xb.baseAddress!, yb.baseAddress!, nb.baseAddress, wb.baseAddress!, bb.baseAddress!)
            parallelChunks(rows, grain: Swift.max(1, 16_384 / Swift.max(width, 1))) { range in
              for row in range {
                let (r, o) = (xp + row * width, yp + row * width)
                let (mean, inverse) = rowStatistics(r, width: width, epsilon: epsilon)
                for j in 0..<width { o[j] = (r[j] - mean) * inverse * wp[j] + bp[j] }
                if keepsNormalised, let np {
                  let n = np + row * width
                  for j in 0..<width { n[j] = (r[j] - mean) * inverse }
                }
              }
            }
          }
        }
      }
    }
  }
  return (y, normalised)
}

/// The gradient of layer norm with respect to its input, row by row.
private func layerNormInputGradient<T: TensorScalar>(
  _ g: [T], normalised: [T], x: [T], rows: Int, width: Int, weight: [T]?, epsilon: T
) -> [T] {
  var dx = [T](repeating: 0, count: g.count)
  let w = weight ?? [T](repeating: 1, count: width)
  g.withUnsafeBufferPointer { gb in
    normalised.withUnsafeBufferPointer { nb in
      x.withUnsafeBufferPointer { xb in
        w.withUnsafeBufferPointer { wb in
          dx.withUnsafeMutableBufferPointer { db in
            let (gp, np, xp, wp, dp) = (gb.baseAddress!, nb.baseAddress!, xb.baseAddress!, wb.baseAddress!, db.baseAddress!)
            parallelChunks(rows, grain: Swift.max(1, 16_384 / Swift.max(width, 1))) { range in
              for row in range {
                let (gr, nr, d) = (gp + row * width, np + row * width, dp + row * width)
                let inverse = rowStatistics(xp + row * width, width: width, epsilon: epsilon).inverse
                var sum: T = 0, dot: T = 0
                for j in 0..<width {
                  let gw = gr[j] * wp[j]
                  sum += gw
                  dot += gw * nr[j]
                }
                let (meanG, meanGN) = (sum / T(width), dot / T(width))
                for j in 0..<width { d[j] = (gr[j] * wp[j] - meanG - nr[j] * meanGN) * inverse }
              }
            }
          }
        }
      }
    }
  }
  return dx
}
