import Foundation
import Imaging

/// imagecorruptions' numpy motion blur (`_motion_blur`): a one-sided Gaussian line kernel of width
/// 2r+1 applied by shifting the image with edge replication, accumulated in float64.
enum MotionBlurKernel {
  /// Normalised weights exp(−i²/2σ²)/(√(2π)σ), i = 0..<2r+1, divided by their numpy sum.
  static func weights(radius: Int, sigma: Double) -> [Double] {
    let width = radius * 2 + 1
    let s2 = 2 * (sigma * sigma)
    let norm = (2 * Double.pi).squareRoot() * sigma
    var k = (0..<width).map { i -> Double in Foundation.exp(Double(-(i * i)) / s2) / norm }
    let z = NumpySum.pairwise(k)
    for i in k.indices { k[i] /= z }
    return k
  }

  /// Pixel offsets (dx, dy) of the taps, stopping where imagecorruptions stops (|offset| ≥ size).
  static func offsets(radius: Int, angle: Double, height: Int, width: Int) -> [(Int, Int)] {
    let w = radius * 2 + 1
    let rad = angle * (Double.pi / 180.0)
    let p0 = Double(w) * Foundation.sin(rad), p1 = Double(w) * Foundation.cos(rad)
    let hyp = Foundation.hypot(p0, p1)
    var out: [(Int, Int)] = []
    for i in 0..<w {
      let dy = -Int((Double(i) * p0 / hyp - 0.5).rounded(.up))
      let dx = -Int((Double(i) * p1 / hyp - 0.5).rounded(.up))
      if Swift.abs(dy) >= height || Swift.abs(dx) >= width { break }
      out.append((dx, dy))
    }
    return out
  }

  /// Blurs an H×W×C array of doubles: out[y,x] = Σ_i k_i · in[clamp(y − dy_i), clamp(x − dx_i)].
  static func apply(
    _ src: [Double], height h: Int, width w: Int, channels c: Int, radius: Int, sigma: Double, angle: Double
  ) -> [Double] {
    let k = weights(radius: radius, sigma: sigma)
    let offs = offsets(radius: radius, angle: angle, height: h, width: w)
    var out = [Double](repeating: 0, count: src.count)
    // Per tap: the clamped source column (×c) of every output column.
    let cols = offs.map { (dx, _) in (0..<w).map { x in min(max(x - dx, 0), w - 1) * c } }
    src.withUnsafeBufferPointer { s in
      out.withUnsafeMutableBufferPointer { o in
        let op = o.baseAddress!
        let chunks = min(h, 8)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
          for y in (h * chunk / chunks)..<(h * (chunk + 1) / chunks) {
            let orow = op + y * w * c
            for (i, (_, dy)) in offs.enumerated() {
              let sy = min(max(y - dy, 0), h - 1)
              let ki = k[i]
              let srow = s.baseAddress! + sy * w * c
              cols[i].withUnsafeBufferPointer { cx in
                if c == 3 {
                  for x in 0..<w {
                    let sp = srow + cx[x], o3 = orow + 3 * x
                    o3[0] = o3[0] + ki * sp[0]
                    o3[1] = o3[1] + ki * sp[1]
                    o3[2] = o3[2] + ki * sp[2]
                  }
                } else {
                  for x in 0..<w {
                    for ch in 0..<c { orow[x * c + ch] = orow[x * c + ch] + ki * srow[cx[x] + ch] }
                  }
                }
              }
            }
          }
        }
      }
    }
    return out
  }
}
