import Foundation
import Imaging

extension Digital {
  /// imagecorruptions' spatter: a thresholded, Gaussian-smoothed normal field; water:
  /// Canny edges → chamfer distance → box/equalise/emboss/box → pale-turquoise highlights (float32);
  /// mud: a smoothed binary mask (float32 filter) blending towards brown.
  static func spatter(
    _ img: RGBImage, _ p: SpatterParameters, float32Mud: Bool,
    _ rng: inout NumpyRandomState
  ) -> RGBImage {
    let h = img.height, w = img.width
    let field = rng.normal(loc: p.mean, scale: p.std, count: h * w)
    var liquid = GaussianFilter.apply(field, height: h, width: w, channels: 1, sigmaY: p.sigma, sigmaX: p.sigma)
    for i in liquid.indices where liquid[i] < p.threshold { liquid[i] = 0 }
    let x = Pixels.unitFloats(img.pixels)
    var out = [UInt8](repeating: 0, count: x.count)
    if p.liquid == .water {
      let lu = liquid.map { UInt8(truncatingIfNeeded: Int(($0 * 255).rounded(.towardZero))) }
      let edges = CVSpatter.canny(lu, height: h, width: w, low: 50, high: 150)
      var dist = CVSpatter.distanceTransform5(edges.map { 255 - $0 }, height: h, width: w)
      for i in dist.indices where dist[i] > 20 { dist[i] = 20 }
      let blurred = CVSpatter.box3(dist, height: h, width: w).map { UInt8(truncatingIfNeeded: Int($0)) }
      let eq = CVSpatter.equalizeHist(blurred)
      let emb = CVSpatter.filter2D8u(eq, height: h, width: w, kernel: [-2, -1, 0, -1, 1, 1, 0, 1, 2])
      let d2 = CVSpatter.box3(emb, height: h, width: w)
      var m = [Float](repeating: 0, count: h * w)
      for i in m.indices { m[i] = Float(lu[i]) * Float(d2[i]) }
      let mx = m.max() ?? 0
      let k = Float(p.intensity)
      for i in m.indices { m[i] = m[i] / mx * k }
      let color: [Float] = [Float(175.0 / 255.0), Float(238.0 / 255.0), Float(238.0 / 255.0)]
      for i in 0..<(h * w) {
        for c in 0..<3 {
          let v = min(max(x[i * 3 + c] + m[i] * color[c], 0), 1) * 255
          out[i * 3 + c] = Pixels.trunc8(v)
        }
      }
    } else {
      let mask = liquid.map { $0 > p.threshold ? 1.0 : 0.0 }
      var mb = GaussianFilter.apply(mask, height: h, width: w, channels: 1, sigmaY: p.intensity, sigmaX: p.intensity, float32: true)
      for i in mb.indices where mb[i] < 0.8 { mb[i] = 0 }
      let mud: [Double] = [63 / 255.0, 42 / 255.0, 20 / 255.0]
      let mud32 = mud.map { Float($0) }
      for i in 0..<(h * w) {
        let mf = Float(mb[i])
        for c in 0..<3 {
          let xv = x[i * 3 + c] * (1 - mf)
          if float32Mud {
            // hendrycks: the colour array is float32 (ones_like of the float32 image).
            out[i * 3 + c] = Pixels.trunc8(min(max(xv + mud32[c] * mf, 0), 1) * 255)
          } else {
            let v = Double(xv) + mud[c] * Double(mf)
            out[i * 3 + c] = Pixels.trunc8(min(max(v, 0), 1) * 255)
          }
        }
      }
    }
    return RGBImage(width: w, height: h, pixels: out)
  }
}
