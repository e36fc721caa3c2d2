import Foundation
import Imaging

extension Digital {
  /// (x − μ_ch)·c + μ_ch with per-channel means (sequential float64 sums, as numpy's strided mean).
  static func contrast(_ img: RGBImage, _ c: Double) -> RGBImage {
    let x = Pixels.unitDoubles(img.pixels)
    var sums = [0.0, 0.0, 0.0]
    for i in 0..<(x.count / 3) {
      for ch in 0..<3 { sums[ch] += x[i * 3 + ch] }
    }
    let n = Double(x.count / 3)
    let means = sums.map { $0 / n }
    var out = [UInt8](repeating: 0, count: x.count)
    for i in x.indices {
      let m = means[i % 3]
      out[i] = Pixels.trunc8(min(max((x[i] - m) * c + m, 0), 1) * 255)
    }
    return RGBImage(width: img.width, height: img.height, pixels: out)
  }
}
