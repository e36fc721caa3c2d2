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
    // Flattened horizontal taps: source pixel offsets (×3) and weights, 4 per output column.
    var xIdx = [Int](repeating: 0, count: ow * 4), xW = [Float](repeating: 0, count: ow * 4)
    for (d, (s, c)) in xt.enumerated() {
      for j in 0..<4 {
        xIdx[d * 4 + j] = min(max(s - 1 + j, 0), w - 1) * 3
        xW[d * 4 + j] = c[j]
      }
    }
    var tmp = [Float](repeating: 0, count: h * ow * 3)
    img.pixels.withUnsafeBufferPointer { src in
      tmp.withUnsafeMutableBufferPointer { tp in
        xIdx.withUnsafeBufferPointer { xi in
          xW.withUnsafeBufferPointer { xw in
            let t = tp.baseAddress!
            DispatchQueue.concurrentPerform(iterations: 4) { chunk in
              for y in (h * chunk / 4)..<(h * (chunk + 1) / 4) {
                let row = src.baseAddress! + y * w * 3
                let orow = t + y * ow * 3
                for d in 0..<ow {
                  let k = d * 4
                  for ch in 0..<3 {
                    var acc: Float = 0
                    acc += Float(row[xi[k] + ch]) * xw[k]
                    acc += Float(row[xi[k + 1] + ch]) * xw[k + 1]
                    acc += Float(row[xi[k + 2] + ch]) * xw[k + 2]
                    acc += Float(row[xi[k + 3] + ch]) * xw[k + 3]
                    orow[d * 3 + ch] = acc
                  }
                }
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
            let r0 = tp.baseAddress! + min(max(s - 1, 0), h - 1) * ow * 3
            let r1 = tp.baseAddress! + min(max(s, 0), h - 1) * ow * 3
            let r2 = tp.baseAddress! + min(max(s + 1, 0), h - 1) * ow * 3
            let r3 = tp.baseAddress! + min(max(s + 2, 0), h - 1) * ow * 3
            let c0 = Double(c[0]), c1 = Double(c[1]), c2 = Double(c[2]), c3 = Double(c[3])
            let orow = o + d * ow * 3
            for i in 0..<(ow * 3) {
              var acc = 0.0
              acc += Double(r0[i]) * c0
              acc += Double(r1[i]) * c1
              acc += Double(r2[i]) * c2
              acc += Double(r3[i]) * c3
              let v = acc.rounded(.toNearestOrEven)
              orow[i] = v <= 0 ? 0 : (v >= 255 ? 255 : UInt8(v))
            }
          }
        }
      }
    }
    return RGBImage(width: ow, height: oh, pixels: out)
  }
}
