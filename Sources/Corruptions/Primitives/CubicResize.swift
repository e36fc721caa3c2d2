import Foundation
import Imaging

/// `cv2.resize(img, (W, H), interpolation=INTER_CUBIC)` for 8-bit RGB as OpenCV 5 computes it:
/// float32 Keys (A = −0.75) coefficients, source x = (d + 0.5)·(n_in/n_out) − 0.5, replicated
/// borders, horizontal pass then vertical pass, rounded half-to-even and saturated.
/// (Agrees with cv2 on all but ~6e-5 of the values of the frost textures, by 1.)
enum CubicResize {
  private static func coefficients(_ xIn: Float) -> (Float, Float, Float, Float) {
    let a: Float = -0.75
    let x = xIn
    let c0 = ((a * (x + 1) - 5 * a) * (x + 1) + 8 * a) * (x + 1) - 4 * a
    let c1 = ((a + 2) * x - (a + 3)) * x * x + 1
    let c2 = ((a + 2) * (1 - x) - (a + 3)) * (1 - x) * (1 - x) + 1
    let c3 = 1 - c0 - c1 - c2
    return (c0, c1, c2, c3)
  }

  private static func table(input n: Int, output m: Int) -> [(Int, [Float])] {
    let scale = 1.0 / (Double(m) / Double(n))
    return (0..<m).map { d in
      let f = Float((Double(d) + 0.5) * scale - 0.5)
      let s = Int(f.rounded(.down))
      let t = f - Float(s)
      let c = coefficients(t)
      return (s, [c.0, c.1, c.2, c.3])
    }
  }

  static func resize(_ img: RGBImage, width ow: Int, height oh: Int) -> RGBImage {
    let w = img.width, h = img.height
    let xt = table(input: w, output: ow), yt = table(input: h, output: oh)
    var tmp = [Float](repeating: 0, count: h * ow * 3)
    img.pixels.withUnsafeBufferPointer { src in
      tmp.withUnsafeMutableBufferPointer { tp in
        let t = tp.baseAddress!
        DispatchQueue.concurrentPerform(iterations: 4) { chunk in
          for y in (h * chunk / 4)..<(h * (chunk + 1) / 4) {
            for (d, (s, c)) in xt.enumerated() {
              for ch in 0..<3 {
                var acc: Float = 0
                for j in 0..<4 {
                  let sx = min(max(s - 1 + j, 0), w - 1)
                  acc += Float(src[(y * w + sx) * 3 + ch]) * c[j]
                }
                t[(y * ow + d) * 3 + ch] = acc
              }
            }
          }
        }
      }
    }
    var out = [UInt8](repeating: 0, count: oh * ow * 3)
    tmp.withUnsafeBufferPointer { tp in
      out.withUnsafeMutableBufferPointer { op in
        let o = op.baseAddress!
        DispatchQueue.concurrentPerform(iterations: 4) { chunk in
          for d in (oh * chunk / 4)..<(oh * (chunk + 1) / 4) {
            let (s, c) = yt[d]
            let rows = (0..<4).map { min(max(s - 1 + $0, 0), h - 1) * ow * 3 }
            for i in 0..<(ow * 3) {
              var acc = 0.0
              for j in 0..<4 { acc += Double(tp[rows[j] + i]) * Double(c[j]) }
              let v = acc.rounded(.toNearestOrEven)
              o[d * ow * 3 + i] = v <= 0 ? 0 : (v >= 255 ? 255 : UInt8(v))
            }
          }
        }
      }
    }
    return RGBImage(width: ow, height: oh, pixels: out)
  }
}
