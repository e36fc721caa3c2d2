import Foundation
import Imaging

extension Blur {
  /// Mean of the image and its centre zooms (float32 accumulation in factor order), clip, ·255.
  static func zoom(_ img: RGBImage, _ p: ZoomBlurParameters) throws -> RGBImage {
    let h = img.height, w = img.width
    let factors = NumpyMath.arange(1, p.stop, p.step)
    let n1 = h * w * 3
    try CorruptionLimits.check(
      factors.count * n1, bytesEach: 4, "zoom blur's \(factors.count) zoomed layers of a \(w)x\(h) image")
    let x = Pixels.unitFloats(img.pixels)
    var layers = [Float](repeating: 0, count: factors.count * n1)
    x.withUnsafeBufferPointer { xs in
      layers.withUnsafeMutableBufferPointer { lp in
        let base = lp.baseAddress!
        DispatchQueue.concurrentPerform(iterations: factors.count) { i in
          Zoom.clippedZoomTopLeft(
            xs.baseAddress!, height: h, width: w, channels: 3, zoom: factors[i], into: base + i * n1)
        }
      }
    }
    var out = [Float](repeating: 0, count: n1)
    layers.withUnsafeBufferPointer { lp in
      for i in 0..<factors.count {
        let l = lp.baseAddress! + i * n1
        for j in 0..<n1 { out[j] += l[j] }
      }
    }
    let n = Float(factors.count + 1)
    var res = [UInt8](repeating: 0, count: x.count)
    for i in x.indices {
      let v = (x[i] + out[i]) / n
      res[i] = Pixels.trunc8(min(max(v, 0), 1) * 255)
    }
    return RGBImage(width: w, height: h, pixels: res)
  }
}
