// Image resizing with `torch.nn.functional.interpolate` semantics (size given, no scale_factor,
// align_corners=False), as separable per-axis weight lists (Kernels/AxisMap.swift): the backward
// rule is the exact transpose of the forward map.

/// How ``resize(_:to:method:antialias:)`` interpolates.
public enum ResizeMethod: String, Sendable, CaseIterable {
  /// `mode="nearest"`: source index `min(floor(dst * in / out), in - 1)` (PyTorch's legacy
  /// nearest, not `nearest-exact`).
  case nearest
  /// `mode="bilinear"`: two taps per axis at `(dst + 0.5) * in / out - 0.5`, clamped at 0.
  case bilinear
  /// `mode="bicubic"`: four border-clamped taps per axis, Keys cubic with `A = -0.75`.
  case bicubic
}

/// Resizes the last two dimensions of `[N, C, H, W]` to `size`, as
/// `torch.nn.functional.interpolate(x, size=size, mode=method, align_corners=False,
/// antialias=antialias)`.
///
/// With `antialias` (bilinear or bicubic only) the PIL-style filters of PyTorch's
/// `_upsample_bilinear2d_aa` / `_upsample_bicubic2d_aa` are used: the triangle or cubic (`a = -0.5`)
/// kernel is stretched by the scale factor when downscaling, cut at the image border and
/// normalised to sum to 1. Like PyTorch, `antialias: true` selects those kernels for upscaling too
/// (where the support is not stretched but the border handling and bicubic `a` still differ).
///
/// - Parameters:
///   - x: input `[N, C, H, W]`.
///   - size: output `(H, W)`, each positive.
///   - scaleFactors: PyTorch's `scale_factor` `(sH, sW)` when the caller passed one (then
///     `size = floor(input * s)`): PyTorch maps coordinates with `1 / s` instead of
///     `input / size`, which differs when `input * s` is not an integer (DINOv2's +0.1 offset).
/// - Returns: `[N, C, size.0, size.1]`.
public func resize(
  _ x: Tensor, to size: (Int, Int), method: ResizeMethod = .bilinear, antialias: Bool = false,
  scaleFactors: (Double, Double)? = nil
) -> Tensor {
  precondition(x.rank == 4, "resize: input must be [N, C, H, W], got \(x.shape)")
  precondition(size.0 > 0 && size.1 > 0, "resize: output size must be positive, got \(size)")
  precondition(x.shape[2] > 0 && x.shape[3] > 0, "resize: empty input \(x.shape)")
  precondition(!(antialias && method == .nearest), "resize: antialias needs bilinear or bicubic (as in PyTorch)")
  let hMap = resizeMap(x.shape[2], size.0, method: method, antialias: antialias, scaleFactor: scaleFactors?.0)
  let wMap = resizeMap(x.shape[3], size.1, method: method, antialias: antialias, scaleFactor: scaleFactors?.1)
  return separable2d(x, hMap: hMap, wMap: wMap, op: "resize")
}

/// The weights of one axis of a resize from `input` to `output` samples (`scaleFactor`:
/// PyTorch's `scale_factor` for this axis, if given).
func resizeMap(_ input: Int, _ output: Int, method: ResizeMethod, antialias: Bool, scaleFactor: Double? = nil) -> AxisMap {
  let scale = scaleFactor.map { 1 / $0 } ?? Double(input) / Double(output)
  typealias Taps = [(index: Int, weight: Double)]
  if antialias {
    return AxisMap(inSize: input, outputs: (0..<output).map { antialiasTaps($0, input: input, scale: scale, method: method) })
  }
  switch method {
  case .nearest:
    // PyTorch's nearest_idx: identity for equal sizes, i/2 for exact doubling, else a float scale.
    let fscale = Float(input) / Float(output)
    return AxisMap(inSize: input, outputs: (0..<output).map { o -> Taps in
      let i: Int
      if input == output { i = o } else if output == 2 * input { i = o >> 1 } else {
        i = Swift.min(Int((Float(o) * fscale).rounded(.down)), input - 1)
      }
      return [(i, 1)]
    })
  case .bilinear:
    return AxisMap(inSize: input, outputs: (0..<output).map { o -> Taps in
      let src = Swift.max(scale * (Double(o) + 0.5) - 0.5, 0)
      let i0 = Int(src)
      let offset = i0 < input - 1 ? 1 : 0
      let l1 = Swift.min(Swift.max(src - Double(i0), 0), 1)
      return [(i0, 1 - l1), (i0 + offset, l1)]
    })
  case .bicubic:
    let a = -0.75
    return AxisMap(inSize: input, outputs: (0..<output).map { o -> Taps in
      let src = scale * (Double(o) + 0.5) - 0.5
      let fl = src.rounded(.down)
      let t = src - fl
      let i = Int(fl)
      let w = [cubic2(t + 1, a), cubic1(t, a), cubic1(1 - t, a), cubic2(2 - t, a)]
      return (0..<4).map { k in (Swift.min(Swift.max(i - 1 + k, 0), input - 1), w[k]) }
    })
  }
}

/// Keys cubic convolution for `|x| <= 1`.
private func cubic1(_ x: Double, _ a: Double) -> Double { ((a + 2) * x - (a + 3)) * x * x + 1 }
/// Keys cubic convolution for `1 < |x| < 2`.
private func cubic2(_ x: Double, _ a: Double) -> Double { ((a * x - 5 * a) * x + 8 * a) * x - 4 * a }

/// The taps of output `o` for PyTorch's anti-aliased kernels (`_compute_weights_aa`): support
/// `interp_size / 2` scaled by the scale factor when downscaling, taps cut to the image and the
/// weights normalised.
private func antialiasTaps(_ o: Int, input: Int, scale: Double, method: ResizeMethod) -> [(index: Int, weight: Double)] {
  let interpSize = method == .bicubic ? 4.0 : 2.0
  let support = scale >= 1 ? interpSize * 0.5 * scale : interpSize * 0.5
  let invScale = scale >= 1 ? 1 / scale : 1
  let center = scale * (Double(o) + 0.5)
  // C++ casts to int64 (truncation towards zero) before clamping.
  let lo = Swift.max(Int((center - support + 0.5).rounded(.towardZero)), 0)
  let hi = Swift.min(Int((center + support + 0.5).rounded(.towardZero)), input)
  func filter(_ x: Double) -> Double {
    let x = abs(x)
    if method == .bicubic {
      let a = -0.5
      if x < 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
      if x < 2 { return (((x - 5) * x + 8) * x - 4) * a }
      return 0
    }
    return x < 1 ? 1 - x : 0
  }
  var taps = (lo..<Swift.max(hi, lo)).map { j in (index: j, weight: filter((Double(j) - center + 0.5) * invScale)) }
  let total = taps.reduce(0) { $0 + $1.weight }
  if total != 0 { taps = taps.map { ($0.index, $0.weight / total) } }
  return taps
}
