import Autodiff

/// pytorch-grad-cam 1.5.7's map post-processing, literally (float32 throughout):
///
/// 1. `relu(raw)`;
/// 2. per image `m -= min(m)`, `m /= max(m) + 1e-7` (`scale_cam_image`);
/// 3. bilinear resize to the input size with half-pixel centres (`cv2.resize` INTER_LINEAR, the
///    same as torch `interpolate(align_corners=False)` when upsampling);
/// 4. the multi-layer aggregation pass, which for one layer is `relu`, then step 2 again.
///
/// The second min-max restores the range to `[0, 1 - 1e-7]` after the resize. A map that is all
/// zero stays all zero.
public enum CAMScaling {
  /// Per-image min-max of `maps` (`[B, n]` flat) with eps 1e-7, in float32.
  public static func minMax(_ maps: [Float], count: Int) -> [Float] {
    var out = maps
    let n = count == 0 ? 0 : maps.count / count
    for b in 0..<count {
      let r = (b * n)..<((b + 1) * n)
      let lo = out[r].min() ?? 0
      for i in r { out[i] = out[i] - lo }
      let denom: Float = 1e-7 + (out[r].max() ?? 0)
      for i in r { out[i] = out[i] / denom }
    }
    return out
  }

  /// The full pipeline: raw maps `[B, h, w]` (flat) to normalised maps `[B, H, W]`.
  public static func normalise(raw: [Float], batch: Int, height: Int, width: Int, to size: (Int, Int)) -> Tensor {
    let relu = raw.map { Swift.max($0, 0) }
    let first = minMax(relu, count: batch)
    let resized = withoutGradients {
      resize(Tensor(shape: [batch, 1, height, width], scalars: first), to: size, method: .bilinear)
    }.scalars
    let second = minMax(resized.map { Swift.max($0, 0) }, count: batch)
    return Tensor(shape: [batch, size.0, size.1], scalars: second)
  }

  /// Raw maps `[B, h, w]` (flat) resized to `size` without any normalisation (optionally after a
  /// ReLU), for scales shared across images, e.g. a whole corruption sweep: normalise them
  /// afterwards with ``normalise(_:range:)``.
  public static func upsampled(raw: [Float], batch: Int, height: Int, width: Int, to size: (Int, Int), relu: Bool = true) -> Tensor {
    let values = relu ? raw.map { Swift.max($0, 0) } : raw
    let out = withoutGradients {
      resize(Tensor(shape: [batch, 1, height, width], scalars: values), to: size, method: .bilinear)
    }
    return out.reshaped([batch, size.0, size.1])
  }

  /// Maps scaled by one shared range: `(m - lower) / (upper - lower + 1e-7)`, clamped to `[0, 1]`.
  /// Use the clean image's range (or a sweep-wide percentile) so maps stay comparable.
  public static func normalise(_ maps: Tensor, range: ClosedRange<Float>) -> Tensor {
    let denom = range.upperBound - range.lowerBound + 1e-7
    return Tensor(shape: maps.shape, scalars: maps.scalars.map { Swift.min(Swift.max(($0 - range.lowerBound) / denom, 0), 1) })
  }
}
