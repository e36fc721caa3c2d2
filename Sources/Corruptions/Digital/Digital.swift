import Foundation
import Imaging

/// contrast, pixelate, jpeg_compression, saturate, elastic_transform (spatter in Spatter.swift).
enum Digital {
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

  /// PIL BOX down to int(side·f), NEAREST back up.
  static func pixelate(_ img: RGBImage, _ f: Double) -> RGBImage {
    let small = PILResize.box(img, width: Int(Double(img.width) * f), height: Int(Double(img.height) * f))
    return PILResize.nearest(small, width: img.width, height: img.height)
  }

  /// JPEG encode at `quality` (4:2:0, libjpeg-turbo via Imaging) and decode.
  static func jpeg(_ img: RGBImage, quality: Int) throws -> RGBImage {
    do {
      let data = try JPEGCodec.encode(img, quality: quality)
      return try JPEGCodec.decode(data, applyOrientation: false)
    } catch let e as CorruptionError {
      throw e
    } catch {
      throw CorruptionError.codec("jpeg_compression: \(error)")
    }
  }

  /// HSV saturation ·k + b (clipped), back to RGB.
  static func saturate(_ img: RGBImage, _ p: (Double, Double)) -> RGBImage {
    var out = img.pixels
    for i in stride(from: 0, to: out.count, by: 3) {
      let (hh, s, v) = HSV.rgb2hsv(
        Double(img.pixels[i]) / 255.0, Double(img.pixels[i + 1]) / 255.0, Double(img.pixels[i + 2]) / 255.0)
      let (r, g, b) = HSV.hsv2rgb(hh, min(max(s * p.0 + p.1, 0), 1), v)
      out[i] = Pixels.trunc8(min(max(r, 0), 1) * 255)
      out[i + 1] = Pixels.trunc8(min(max(g, 0), 1) * 255)
      out[i + 2] = Pixels.trunc8(min(max(b, 0), 1) * 255)
    }
    return RGBImage(width: img.width, height: img.height, pixels: out)
  }

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
    let src = Pixels.unitFloats(img.pixels)
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
          let v = Float(t)
          out[(y * w + x) * 3 + c] = Pixels.trunc8(min(max(v, 0), 1) * 255)
        }
      }
    }
    return RGBImage(width: w, height: h, pixels: out)
  }
}

/// scipy `map_coordinates(order=1, mode='reflect')` sampling along one axis.
enum MapCoordinates {
  /// scipy's `map_coordinate` for REFLECT on a real coordinate.
  static func reflectCoordinate(_ x: Double, _ len: Int) -> Double {
    var v = x
    let sz2 = Double(2 * len)
    if v < 0 {
      if len <= 1 { return 0 }
      if v < -sz2 { v = sz2 * Double(Int(-v / sz2)) + v }
      v = v < -Double(len) ? v + sz2 : (v > -1e-15 ? 1e-15 : -v) - 1
    } else if v > Double(len - 1) {
      if len <= 1 { return 0 }
      v -= sz2 * Double(Int(v / sz2))
      if v >= Double(len) { v = sz2 - v - 1 }
    }
    return v
  }

  /// Integer half-sample-symmetric index.
  static func reflectIndex(_ i: Int, _ n: Int) -> Int { BoundaryMode.reflect.index(i, n) }

  /// (lower index, upper index, lower weight, upper weight) for order-1 interpolation.
  static func linear(_ x: Double, _ n: Int) -> (Int, Int, Double, Double) {
    let cc = reflectCoordinate(x, n)
    let start = Int(cc.rounded(.down))
    let t = cc - Double(start)
    return (reflectIndex(start, n), reflectIndex(start + 1, n), 1 - t, t)
  }
}

extension Digital {
  /// hendrycks' CIFAR/Tiny elastic transform: a random affine warp of the triangle
  /// (c+s, c+s), (c+s, c−s), (c−s, c−s) (c = side//2, s = side//3, jitter U(±j), float32), applied
  /// with cv2.warpAffine (REFLECT_101), then U(−1, 1) fields smoothed by a reflect Gaussian (σ,
  /// truncate 3), scaled by α, and bilinear `map_coordinates` (reflect).
  static func elasticHendrycks(
    _ img: RGBImage, _ p: (Double, Double, Double), _ rng: inout NumpyRandomState
  ) -> RGBImage {
    let (alpha, sigma, jitter) = p
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
    var out = [UInt8](repeating: 0, count: warped.count)
    for y in 0..<h {
      for x in 0..<w {
        let cy = Double(y) + Double(dy[y * w + x]), cx = Double(x) + Double(dx[y * w + x])
        let (y0, y1, wy0, wy1) = MapCoordinates.linear(cy, h)
        let (x0, x1, wx0, wx1) = MapCoordinates.linear(cx, w)
        for c in 0..<3 {
          var t = Double(warped[(y0 * w + x0) * 3 + c]) * wy0 * wx0
          t += Double(warped[(y0 * w + x1) * 3 + c]) * wy0 * wx1
          t += Double(warped[(y1 * w + x0) * 3 + c]) * wy1 * wx0
          t += Double(warped[(y1 * w + x1) * 3 + c]) * wy1 * wx1
          out[(y * w + x) * 3 + c] = Pixels.trunc8(min(max(Float(t), 0), 1) * 255)
        }
      }
    }
    return RGBImage(width: w, height: h, pixels: out)
  }
}
