import Foundation

/// `cv2.getAffineTransform` and OpenCV 5's float `warpAffine` (INTER_LINEAR, BORDER_REFLECT_101)
/// for float32 H×W×C images. OpenCV 5 computes source coordinates in float32 with fused
/// multiply-adds (no 1/32-pixel quantisation): sx = fma(m0, x, m1·y + m2), and interpolates with
/// t0 = fma(a, v1 − v0, v0), t1 = fma(a, v3 − v2, v2), out = fma(b, t1 − t0, t0) (verified
/// bit-exact against cv2 5.0).
enum WarpAffine {
  /// The 2×3 matrix mapping three source points to three destination points (LU with partial pivoting).
  static func affineTransform(src: [(Float, Float)], dst: [(Float, Float)]) -> [Double] {
    var a = [Double](repeating: 0, count: 36)
    var b = [Double](repeating: 0, count: 6)
    for i in 0..<3 {
      let j = i * 12, k = i * 12 + 6
      a[j] = Double(src[i].0); a[k + 3] = Double(src[i].0)
      a[j + 1] = Double(src[i].1); a[k + 4] = Double(src[i].1)
      a[j + 2] = 1; a[k + 5] = 1
      b[i * 2] = Double(dst[i].0)
      b[i * 2 + 1] = Double(dst[i].1)
    }
    let m = 6
    for i in 0..<m {
      var k = i
      for j in (i + 1)..<m where Swift.abs(a[j * m + i]) > Swift.abs(a[k * m + i]) { k = j }
      if k != i {
        for j in i..<m { a.swapAt(i * m + j, k * m + j) }
        b.swapAt(i, k)
      }
      let d = -1 / a[i * m + i]
      for j in (i + 1)..<m {
        let alpha = a[j * m + i] * d
        for kk in (i + 1)..<m { a[j * m + kk] += alpha * a[i * m + kk] }
        b[j] += alpha * b[i]
      }
      a[i * m + i] = -d
    }
    for i in stride(from: m - 1, through: 0, by: -1) {
      var s = b[i]
      for k in (i + 1)..<m { s -= a[i * m + k] * b[k] }
      b[i] = s * a[i * m + i]
    }
    return b
  }

  static func warp(_ src: [Float], height h: Int, width w: Int, channels c: Int, matrix mIn: [Double]) -> [Float] {
    var m = mIn
    var d = m[0] * m[4] - m[1] * m[3]
    d = d != 0 ? 1 / d : 0
    let a11 = m[4] * d, a22 = m[0] * d
    m[0] = a11; m[1] *= -d; m[3] *= -d; m[4] = a22
    let b1 = -m[0] * m[2] - m[1] * m[5], b2 = -m[3] * m[2] - m[4] * m[5]
    m[2] = b1; m[5] = b2
    let f = m.map { Float($0) }
    var out = [Float](repeating: 0, count: src.count)
    for y in 0..<h {
      let rx = f[1] * Float(y) + f[2], ry = f[4] * Float(y) + f[5]
      for x in 0..<w {
        let sx = rx.addingProduct(f[0], Float(x)), sy = ry.addingProduct(f[3], Float(x))
        let fx = sx.rounded(.down), fy = sy.rounded(.down)
        let a = sx - fx, bb = sy - fy
        let ix = Int(fx), iy = Int(fy)
        let x0 = CVFilters.reflect101(ix, w), x1 = CVFilters.reflect101(ix + 1, w)
        let y0 = CVFilters.reflect101(iy, h), y1 = CVFilters.reflect101(iy + 1, h)
        for ch in 0..<c {
          let v0 = src[(y0 * w + x0) * c + ch], v1 = src[(y0 * w + x1) * c + ch]
          let v2 = src[(y1 * w + x0) * c + ch], v3 = src[(y1 * w + x1) * c + ch]
          let t0 = v0.addingProduct(a, v1 - v0), t1 = v2.addingProduct(a, v3 - v2)
          out[(y * w + x) * c + ch] = t0.addingProduct(bb, t1 - t0)
        }
      }
    }
    return out
  }
}
