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
/// - Parameters:
///   - weight, bias: of the normalised shape, or nil.
public func layerNorm(
  _ x: Tensor, normalizedDimensions: Int = 1, weight: Tensor?, bias: Tensor?, epsilon: Double = 1e-5
) -> Tensor {
  let axes = Array((x.rank - normalizedDimensions)..<x.rank)
  let mean = x.mean(alongAxes: axes, keepingDimensions: true)
  let centred = x - mean
  let variance = (centred * centred).mean(alongAxes: axes, keepingDimensions: true)
  var y = centred / sqrt(variance + epsilon)
  if let weight { y = y * weight }
  if let bias { y = y + bias }
  return y
}
