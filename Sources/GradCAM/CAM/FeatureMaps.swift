import Autodiff

/// Channels-first feature maps `[B, C, h, w]` as a flat float32 array: the activations or
/// gradients of one layer, after any token-to-grid reshape.
public struct FeatureMaps: Sendable {
  public let batch: Int, channels: Int, height: Int, width: Int
  /// Row-major `[B, C, h, w]` values.
  public var values: [Float]

  /// Wraps a `[B, C, h, w]` tensor.
  public init(_ t: Tensor) {
    precondition(t.rank == 4, "FeatureMaps: expected [B, C, h, w], got \(t.shape)")
    batch = t.shape[0]; channels = t.shape[1]; height = t.shape[2]; width = t.shape[3]
    values = t.scalars
  }

  /// Creates maps from values.
  public init(batch: Int, channels: Int, height: Int, width: Int, values: [Float]) {
    precondition(values.count == batch * channels * height * width, "FeatureMaps: size mismatch")
    self.batch = batch; self.channels = channels; self.height = height; self.width = width
    self.values = values
  }

  /// Pixels per channel.
  public var pixels: Int { height * width }

  /// As a tensor `[B, C, h, w]`.
  public var tensor: Tensor { Tensor(shape: [batch, channels, height, width], scalars: values) }

  /// Element-wise product with maps of the same shape.
  func multiplied(by other: FeatureMaps) -> FeatureMaps {
    var out = self
    for i in values.indices { out.values[i] = values[i] * other.values[i] }
    return out
  }

  /// `Σ_k w[b, k] · A[b, k]` per pixel: `[B, h, w]` flat. Accumulates in Double.
  func weightedSum(_ weights: [Float]) -> [Float] {
    var out = [Float](repeating: 0, count: batch * pixels)
    var acc = [Double](repeating: 0, count: pixels)
    for b in 0..<batch {
      for p in 0..<pixels { acc[p] = 0 }
      for k in 0..<channels {
        let w = Float(weights[b * channels + k])
        let base = (b * channels + k) * pixels
        for p in 0..<pixels { acc[p] += Double(w * values[base + p]) }
      }
      for p in 0..<pixels { out[b * pixels + p] = Float(acc[p]) }
    }
    return out
  }

  /// `Σ_k f(A[b,k,p], other[b,k,p])` per pixel: `[B, h, w]` flat.
  func channelSum(with other: FeatureMaps, _ f: (Float, Float) -> Float) -> [Float] {
    var out = [Float](repeating: 0, count: batch * pixels)
    var acc = [Double](repeating: 0, count: pixels)
    for b in 0..<batch {
      for p in 0..<pixels { acc[p] = 0 }
      for k in 0..<channels {
        let base = (b * channels + k) * pixels
        for p in 0..<pixels { acc[p] += Double(f(values[base + p], other.values[base + p])) }
      }
      for p in 0..<pixels { out[b * pixels + p] = Float(acc[p]) }
    }
    return out
  }

  /// A per-(image, channel) reduction over pixels: `[B, C]` flat.
  func perChannel(_ body: (_ offset: Int) -> Float) -> [Float] {
    (0..<(batch * channels)).map { body($0 * pixels) }
  }
}
