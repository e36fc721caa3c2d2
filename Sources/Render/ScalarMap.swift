/// A single-channel float map (a class-activation map, a difference map…), row-major.
public struct ScalarMap: Equatable, Sendable {
  /// Width in samples.
  public let width: Int
  /// Height in samples.
  public let height: Int
  /// `height * width` values, `values[y * width + x]`.
  public var values: [Float]

  /// Creates a map from row-major values.
  /// - Precondition: `values.count == width * height`.
  public init(width: Int, height: Int, values: [Float]) {
    precondition(width >= 0 && height >= 0, "ScalarMap: negative size \(width)x\(height)")
    precondition(
      values.count == width * height,
      "ScalarMap: \(values.count) values do not make a \(width)x\(height) map")
    self.width = width
    self.height = height
    self.values = values
  }

  /// The value at column `x`, row `y`.
  public subscript(x: Int, y: Int) -> Float { values[y * width + x] }

  /// Smallest and largest finite values, or nil if there are none.
  public var range: (min: Float, max: Float)? {
    var lo = Float.infinity, hi = -Float.infinity
    for v in values where v.isFinite {
      lo = Swift.min(lo, v)
      hi = Swift.max(hi, v)
    }
    return lo <= hi ? (lo, hi) : nil
  }

  /// Bilinear resize with half-pixel centres (OpenCV `INTER_LINEAR`, torch
  /// `align_corners=False`): source coordinate `(d + 0.5) * in / out - 0.5`, clamped to the
  /// edge samples. No antialiasing when shrinking, like OpenCV.
  public func resized(width newWidth: Int, height newHeight: Int) -> ScalarMap {
    precondition(newWidth > 0 && newHeight > 0, "ScalarMap: cannot resize to \(newWidth)x\(newHeight)")
    if newWidth == width && newHeight == height { return self }
    precondition(width > 0 && height > 0, "ScalarMap: cannot resize an empty map")
    func taps(_ n: Int, _ src: Int) -> [(Int, Int, Float)] {
      let scale = Double(src) / Double(n)
      return (0..<n).map { d in
        let s = Swift.max((Double(d) + 0.5) * scale - 0.5, 0)
        let i0 = Swift.min(Int(s), src - 1)
        let i1 = Swift.min(i0 + 1, src - 1)
        return (i0, i1, Float(s - Double(i0)))
      }
    }
    let xs = taps(newWidth, width), ys = taps(newHeight, height)
    var out = [Float](repeating: 0, count: newWidth * newHeight)
    for (oy, (y0, y1, fy)) in ys.enumerated() {
      for (ox, (x0, x1, fx)) in xs.enumerated() {
        let top = values[y0 * width + x0] * (1 - fx) + values[y0 * width + x1] * fx
        let bottom = values[y1 * width + x0] * (1 - fx) + values[y1 * width + x1] * fx
        out[oy * newWidth + ox] = top * (1 - fy) + bottom * fy
      }
    }
    return ScalarMap(width: newWidth, height: newHeight, values: out)
  }

  /// Min-max normalised as pytorch-grad-cam does: `(v - min) / (max - min + epsilon)`.
  ///
  /// Computed in Float like pgc: for a range near 1 (pgc's second pass) the largest value
  /// becomes `1 - 1e-7`, which `ColorMap` maps to index 254 as `show_cam_on_image` does; for
  /// ranges much larger than 1 the epsilon vanishes and the top is exactly 1 (index 255).
  /// A constant map becomes all zeros.
  public func normalizedMinMax(epsilon: Float = 1e-7) -> ScalarMap {
    guard let (lo, hi) = range else { return self }
    return mapped { ($0 - lo) / (hi - lo + epsilon) }
  }

  /// Scaled linearly so `lower` maps to 0 and `upper` to 1, clamped to [0, 1].
  public func scaled(from lower: Float, to upper: Float) -> ScalarMap {
    let span = upper - lower
    guard span > 0 else { return mapped { _ in 0 } }
    return mapped { Swift.min(Swift.max(($0 - lower) / span, 0), 1) }
  }

  /// The map with `transform` applied to every value.
  public func mapped(_ transform: (Float) -> Float) -> ScalarMap {
    ScalarMap(width: width, height: height, values: values.map(transform))
  }

  /// `self - other`, resizing `other` bilinearly first if the sizes differ.
  public func subtracting(_ other: ScalarMap) -> ScalarMap {
    let o = other.resized(width: width, height: height)
    return ScalarMap(width: width, height: height, values: zip(values, o.values).map { $0 - $1 })
  }
}
