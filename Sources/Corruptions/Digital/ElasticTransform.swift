import Foundation
import Imaging

extension Digital {
  /// imagecorruptions' elastic transform: two U(±0.005·H) fields smoothed by a reflect-mode
  /// Gaussian (σ = 1% of each side, truncate 3), scaled by α, then bilinear `map_coordinates`
  /// (reflect) of the float32 image.
  static func elastic(_ img: RGBImage, alpha: Double, _ rng: inout NumpyRandomState) -> RGBImage {
    let h = img.height, w = img.width
    let sy = Double(h) * 0.01, sx = Double(w) * 0.01
    let maxD = Double(h) * 0.005
    func field(_ rng: inout NumpyRandomState) -> [Float] {
      let u = rng.uniform(-maxD, maxD, count: h * w)
      let g = GaussianFilter.apply(
        u, height: h, width: w, channels: 1, sigmaY: sy, sigmaX: sx, mode: .reflect, truncate: 3)
      return g.map { Float($0 * alpha) }
    }
    let dx = field(&rng)
    let dy = field(&rng)
    let out = sampleDisplaced(Pixels.unitFloats(img.pixels), dx: dx, dy: dy, width: w, height: h)
    return RGBImage(width: w, height: h, pixels: out)
  }
}

extension Digital {
  /// hendrycks' CIFAR/Tiny elastic transform: a random affine warp of the triangle
  /// (c+s, c+s), (c+s, c−s), (c−s, c−s) (c = side//2, s = side//3, jitter U(±j), float32), applied
  /// with cv2.warpAffine (REFLECT_101), then U(−1, 1) fields smoothed by a reflect Gaussian (σ,
  /// truncate 3), scaled by α, and bilinear `map_coordinates` (reflect).
  static func elasticHendrycks(
    _ img: RGBImage, _ p: ElasticParameters, _ rng: inout NumpyRandomState
  ) -> RGBImage {
    let alpha = p.alpha, sigma = p.sigma, jitter = p.jitter
    let h = img.height, w = img.width
    let c0 = Float(h / 2), c1 = Float(w / 2), ss = Float(min(h, w) / 3)
    let pts1: [(Float, Float)] = [(c0 + ss, c1 + ss), (c0 + ss, c1 - ss), (c0 - ss, c1 - ss)]
    let j = rng.uniform(-jitter, jitter, count: 6).map { Float($0) }
    let pts2 = (0..<3).map { (pts1[$0].0 + j[2 * $0], pts1[$0].1 + j[2 * $0 + 1]) }
    let m = WarpAffine.affineTransform(src: pts1, dst: pts2)
    let warped = WarpAffine.warp(Pixels.unitFloats(img.pixels), height: h, width: w, channels: 3, matrix: m)
    func field(_ rng: inout NumpyRandomState) -> [Float] {
      let u = rng.uniform(-1, 1, count: h * w)
      let g = GaussianFilter.apply(
        u, height: h, width: w, channels: 1, sigmaY: sigma, sigmaX: sigma, mode: .reflect, truncate: 3)
      return g.map { Float($0 * alpha) }
    }
    let dx = field(&rng)
    let dy = field(&rng)
    let out = sampleDisplaced(warped, dx: dx, dy: dy, width: w, height: h)
    return RGBImage(width: w, height: h, pixels: out)
  }
}

extension Digital {
  /// `map_coordinates(order=1, mode='reflect')` of an RGB float image at `(y + dy, x + dx)`, in
  /// Double as scipy, then clipped and truncated to bytes (the shared tail of both elastic variants).
  static func sampleDisplaced(_ src: [Float], dx: [Float], dy: [Float], width w: Int, height h: Int) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: src.count)
    for y in 0..<h {
      for x in 0..<w {
        let cy = Double(y) + Double(dy[y * w + x]), cx = Double(x) + Double(dx[y * w + x])
        let (y0, y1, wy0, wy1) = MapCoordinates.linear(cy, h)
        let (x0, x1, wx0, wx1) = MapCoordinates.linear(cx, w)
        for c in 0..<3 {
          var t = Double(src[(y0 * w + x0) * 3 + c]) * wy0 * wx0
          t += Double(src[(y0 * w + x1) * 3 + c]) * wy0 * wx1
          t += Double(src[(y1 * w + x0) * 3 + c]) * wy1 * wx0
          t += Double(src[(y1 * w + x1) * 3 + c]) * wy1 * wx1
          out[(y * w + x) * 3 + c] = Pixels.trunc8(min(max(Float(t), 0), 1) * 255)
        }
      }
    }
    return out
  }
}
