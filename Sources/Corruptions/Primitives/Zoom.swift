import Foundation

/// scipy `ndimage.zoom(a, (z, z, 1), order=1)` and imagecorruptions' `clipped_zoom`.
enum Zoom {
  /// Per-axis order-1 sampling tables: lower index, upper index (mirrored at the edge), weights.
  struct Axis {
    var lo: [Int], hi: [Int], w0: [Double], w1: [Double]
    init(input n: Int, output m: Int) {
      let ratio = m > 1 ? Double(n - 1) / Double(m - 1) : 1.0
      lo = []; hi = []; w0 = []; w1 = []
      for k in 0..<m {
        let cc = Double(k) * ratio
        let start = Int(cc.rounded(.down))
        let t = cc - Double(start)
        func mirror(_ i: Int) -> Int {
          if n <= 1 { return 0 }
          let s2 = 2 * n - 2
          var idx = i
          if idx < 0 {
            idx = s2 * (-idx / s2) + idx
            idx = idx <= 1 - n ? idx + s2 : -idx
          } else if idx >= n {
            idx -= s2 * (idx / s2)
            if idx >= n { idx = s2 - idx }
          }
          return idx
        }
        lo.append(mirror(start)); hi.append(mirror(start + 1))
        w0.append(1.0 - t); w1.append(t)
      }
    }
  }

  /// imagecorruptions `clipped_zoom` on an H×W×C array, then `[:H, :W]`: crops ceil(n/z) centred
  /// (top = (n − ch) // 2), zooms by `z` with output side round(ch·z), keeps the top-left H×W.
  /// Values are computed in Double; with `float32` they are rounded to Float (float32 arrays).
  static func clippedZoom(
    _ src: [Double], height h: Int, width w: Int, channels c: Int, zoom z: Double, float32: Bool
  ) -> (data: [Double], height: Int, width: Int) {
    let ch0 = Int((Double(h) / z).rounded(.up)), top0 = (h - ch0) / 2
    let ch1 = Int((Double(w) / z).rounded(.up)), top1 = (w - ch1) / 2
    let oh = NumpyMath.roundHalfEven(Double(ch0) * z), ow = NumpyMath.roundHalfEven(Double(ch1) * z)
    let ay = Axis(input: ch0, output: oh), ax = Axis(input: ch1, output: ow)
    var out = [Double](repeating: 0, count: oh * ow * c)
    src.withUnsafeBufferPointer { s in
      out.withUnsafeMutableBufferPointer { o in
        let op = o.baseAddress!
        DispatchQueue.concurrentPerform(iterations: min(oh, 4)) { chunk in
          for y in (oh * chunk / min(oh, 4))..<(oh * (chunk + 1) / min(oh, 4)) {
            let r0 = (ay.lo[y] + top0) * w * c, r1 = (ay.hi[y] + top0) * w * c
            let a0 = ay.w0[y], a1 = ay.w1[y]
            for x in 0..<ow {
              let c0 = (ax.lo[x] + top1) * c, c1 = (ax.hi[x] + top1) * c
              let b0 = ax.w0[x], b1 = ax.w1[x]
              for k in 0..<c {
                var t = s[r0 + c0 + k] * a0 * b0
                t += s[r0 + c1 + k] * a0 * b1
                t += s[r1 + c0 + k] * a1 * b0
                t += s[r1 + c1 + k] * a1 * b1
                op[(y * ow + x) * c + k] = float32 ? Double(Float(t)) : t
              }
            }
          }
        }
      }
    }
    return (out, oh, ow)
  }

  /// `clipped_zoom(x, z)[:H, :W]` of a float32 H×W×C image written straight to `dst` as float32
  /// (the top-left H×W of the zoomed crop only; same arithmetic as `clippedZoom`).
  static func clippedZoomTopLeft(
    _ s: UnsafePointer<Float>, height h: Int, width w: Int, channels c: Int, zoom z: Double,
    into dst: UnsafeMutablePointer<Float>
  ) {
    let ch0 = Int((Double(h) / z).rounded(.up)), top0 = (h - ch0) / 2
    let ch1 = Int((Double(w) / z).rounded(.up)), top1 = (w - ch1) / 2
    let oh = NumpyMath.roundHalfEven(Double(ch0) * z), ow = NumpyMath.roundHalfEven(Double(ch1) * z)
    let ay = Axis(input: ch0, output: oh), ax = Axis(input: ch1, output: ow)
    for y in 0..<min(h, oh) {
      let r0 = (ay.lo[y] + top0) * w * c, r1 = (ay.hi[y] + top0) * w * c
      let a0 = ay.w0[y], a1 = ay.w1[y]
      for x in 0..<min(w, ow) {
        let c0 = (ax.lo[x] + top1) * c, c1 = (ax.hi[x] + top1) * c
        let b0 = ax.w0[x], b1 = ax.w1[x]
        for k in 0..<c {
          var t = Double(s[r0 + c0 + k]) * a0 * b0
          t += Double(s[r0 + c1 + k]) * a0 * b1
          t += Double(s[r1 + c0 + k]) * a1 * b0
          t += Double(s[r1 + c1 + k]) * a1 * b1
          dst[(y * w + x) * c + k] = Float(t)
        }
      }
    }
  }
}
