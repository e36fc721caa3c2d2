import Foundation

/// scipy `ndimage.gaussian_filter` (as called by skimage `filters.gaussian`), bit-exact: the one
/// Gaussian blur of the toolkit (corruptions, and the blurred baseline of GradCAM's faithfulness
/// metrics). OpenCV's `GaussianBlur`, whose float32 arithmetic differs, is in Corruptions' `CVFilters`.
public enum GaussianFilter {
  /// scipy's `_gaussian_kernel1d` weights (radius = int(truncate·σ + 0.5)), normalised with numpy's sum.
  public static func kernel(sigma: Double, truncate: Double) -> [Double] {
    let radius = Int(truncate * sigma + 0.5)
    let sigma2 = sigma * sigma
    let f = -0.5 / sigma2
    var phi = (-radius...radius).map { Foundation.exp(f * Double($0 * $0)) }
    let s = NumpySum.pairwise(phi)
    for i in phi.indices { phi[i] /= s }
    return phi
  }

  /// Filters `data` (`height × width × channels`, C order) along axis 0 with σy, then axis 1 with σx
  /// (an axis with σ ≤ 1e-15 is skipped), like `gaussian_filter(a, (σy, σx, 0))`.
  /// With `float32` the result of each pass is rounded to Float (float32 arrays in scipy).
  public static func apply(
    _ data: [Double], height: Int, width: Int, channels: Int, sigmaY: Double, sigmaX: Double,
    mode: BoundaryMode = .nearest, truncate: Double = 4.0, float32: Bool = false
  ) -> [Double] {
    var cur = data
    if sigmaY > 1e-15 {
      cur = pass(
        cur, kernel: kernel(sigma: sigmaY, truncate: truncate), count: height, stride: width * channels,
        lines: width * channels, lineStep: 1, outer: 1, outerStep: 0, mode: mode, float32: float32)
    }
    if sigmaX > 1e-15 {
      cur = pass(
        cur, kernel: kernel(sigma: sigmaX, truncate: truncate), count: width, stride: channels,
        lines: channels, lineStep: 1, outer: height, outerStep: width * channels, mode: mode, float32: float32)
    }
    return cur
  }

  /// One correlate1d pass over lines of `count` samples spaced `stride` apart.
  private static func pass(
    _ src: [Double], kernel w: [Double], count n: Int, stride: Int, lines: Int, lineStep: Int, outer: Int,
    outerStep: Int, mode: BoundaryMode, float32: Bool
  ) -> [Double] {
    let r = w.count / 2
    var dst = [Double](repeating: 0, count: src.count)
    let total = outer * lines
    let chunks = min(total, 8)
    src.withUnsafeBufferPointer { sp in
      dst.withUnsafeMutableBufferPointer { dp in
        let dptr = dp.baseAddress!
        let sptr = sp.baseAddress!
        w.withUnsafeBufferPointer { wp in
          DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            var line = [Double](repeating: 0, count: n + 2 * r)
            let lo = total * chunk / chunks, hi = total * (chunk + 1) / chunks
            line.withUnsafeMutableBufferPointer { lb in
              for li in lo..<hi {
                let o = li / lines, l = li % lines
                let base = o * outerStep + l * lineStep
                for i in 0..<(n + 2 * r) { lb[i] = sptr[base + mode.index(i - r, n) * stride] }
                for i in 0..<n {
                  let c = i + r
                  var acc = lb[c] * wp[r]
                  var j = r
                  while j >= 1 {
                    acc += (lb[c - j] + lb[c + j]) * wp[r - j]
                    j -= 1
                  }
                  dptr[base + i * stride] = float32 ? Double(Float(acc)) : acc
                }
              }
            }
          }
        }
      }
    }
    return dst
  }
}
