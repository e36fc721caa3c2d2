import Foundation

/// ImageMagick 6 `MotionBlurImage` (Q16) as used through Wand by hendrycks' generators, in
/// closed form: width 2·ceil(r)+1, one-sided Gaussian weights normalised by
/// their sequential sum, offsets ceil(i·cosθ − ½), ceil(i·sinθ − ½), edge replication, 16-bit
/// rounding (half up) then 8-bit by floor(q/257).
enum MagickMotionBlur {
  static func apply(
    _ src: [UInt8], height h: Int, width w: Int, channels c: Int, radius: Double, sigma sIn: Double, angle: Double
  ) -> [UInt8] {
    let sigma = Swift.abs(sIn) < 1e-12 ? 1e-12 : sIn
    let width = radius > 1e-12 ? Int(2.0 * radius.rounded(.up) + 1.0) : 3
    let sq2pi = 2.50662827463100024161235523934010416269302368164062
    var kernel = [Double](repeating: 0, count: width)
    var normalize = 0.0
    for i in 0..<width {
      kernel[i] = Foundation.exp(-(Double(i) * Double(i)) / (2.0 * sigma * sigma)) / (sq2pi * sigma)
      normalize += kernel[i]
    }
    for i in 0..<width { kernel[i] /= normalize }
    let rad = angle * Double.pi / 180.0
    let px = Double(width) * Foundation.sin(rad), py = Double(width) * Foundation.cos(rad)
    let hyp = Foundation.hypot(px, py)
    var offs: [(Int, Int)] = []
    for i in 0..<width {
      let ox = Int((Double(i) * py / hyp - 0.5).rounded(.up))
      let oy = Int((Double(i) * px / hyp - 0.5).rounded(.up))
      offs.append((ox, oy))
    }
    var out = [UInt8](repeating: 0, count: src.count)
    for y in 0..<h {
      for x in 0..<w {
        for ch in 0..<c {
          var q = 0.0
          for i in 0..<width {
            let sy = min(max(y + offs[i].1, 0), h - 1), sx = min(max(x + offs[i].0, 0), w - 1)
            q += kernel[i] * Double(257 * Int(src[(sy * w + sx) * c + ch]))
          }
          let q16 = min(max((q + 0.5).rounded(.down), 0), 65535)
          out[(y * w + x) * c + ch] = UInt8(Int(q16) / 257)
        }
      }
    }
    return out
  }
}
