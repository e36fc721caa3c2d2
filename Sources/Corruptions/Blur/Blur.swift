import Foundation
import Imaging

/// gaussian_blur, glass_blur, defocus_blur, motion_blur, zoom_blur.
enum Blur {
  /// skimage `gaussian(x, σ, channel_axis=-1)` (mode nearest, truncate 4), clip, ·255.
  static func gaussian(_ img: RGBImage, sigma: Double) -> RGBImage {
    let x = Pixels.unitDoubles(img.pixels)
    let y = GaussianFilter.apply(x, height: img.height, width: img.width, channels: 3, sigmaY: sigma, sigmaX: sigma)
    return RGBImage(width: img.width, height: img.height, pixels: Pixels.clipUnitToBytes(y))
  }

  /// Blur, quantise, locally copy pixels from random neighbours (descending raster, `iterations`
  /// times, shifts in [−δ, δ−1], dx drawn before dy), blur again.
  static func glass(_ img: RGBImage, _ p: (Double, Int, Int), _ rng: inout NumpyRandomState) -> RGBImage {
    let (sigma, d, iters) = p
    let h = img.height, w = img.width
    let b = GaussianFilter.apply(
      Pixels.unitDoubles(img.pixels), height: h, width: w, channels: 3, sigmaY: sigma, sigmaX: sigma)
    var g = b.map { Pixels.trunc8($0 * 255) }
    g.withUnsafeMutableBufferPointer { gp in
      for _ in 0..<iters {
        var y = h - d
        while y > d {
          var x = w - d
          while x > d {
            let dx = rng.randint(-d, d)
            let dy = rng.randint(-d, d)
            let src = ((y + dy) * w + x + dx) * 3, dst = (y * w + x) * 3
            gp[dst] = gp[src]; gp[dst + 1] = gp[src + 1]; gp[dst + 2] = gp[src + 2]
            x -= 1
          }
          y -= 1
        }
      }
    }
    let y2 = GaussianFilter.apply(
      g.map { Double($0) / 255.0 }, height: h, width: w, channels: 3, sigmaY: sigma, sigmaX: sigma)
    return RGBImage(width: w, height: h, pixels: Pixels.clipUnitToBytes(y2))
  }

  /// imagecorruptions' `disk` kernel: aliased disk (17×17 up to r = 8), normalised, then
  /// `cv2.GaussianBlur` (3×3, or 5×5 above r = 8) without renormalisation. Returns (kernel, side).
  static func diskKernel(radius r: Double, aliasBlur: Double) -> ([Double], Int) {
    let half: Int, ksize: Int
    if r <= 8 {
      half = 8; ksize = 3
    } else {
      half = Int(r); ksize = 5
    }
    let n = 2 * half + 1
    var a = [Float](repeating: 0, count: n * n)
    var count: Float = 0
    for y in 0..<n {
      for x in 0..<n {
        let X = Double(x - half), Y = Double(y - half)
        if X * X + Y * Y <= r * r {
          a[y * n + x] = 1
          count += 1
        }
      }
    }
    for i in a.indices { a[i] /= count }
    let k = CVFilters.gaussianBlur32(a, height: n, width: n, ksize: ksize, sigma: aliasBlur)
    return (k.map { Double($0) }, n)
  }

  /// filter2D of each channel with the disk kernel (REFLECT_101), clip, ·255.
  static func defocus(_ img: RGBImage, _ p: (Double, Double)) -> RGBImage {
    let (k, n) = diskKernel(radius: p.0, aliasBlur: p.1)
    let y = CVFilters.filter2D(
      Pixels.unitDoubles(img.pixels), height: img.height, width: img.width, channels: 3, kernel: k, ksize: n)
    return RGBImage(width: img.width, height: img.height, pixels: Pixels.clipUnitToBytes(y))
  }

  /// Motion blur at angle U(−45, 45): imagecorruptions' numpy version (0..255 doubles, truncated),
  /// or with `magick` ImageMagick's (hendrycks' generators).
  static func motion(_ img: RGBImage, _ p: (Int, Double), magick: Bool, _ rng: inout NumpyRandomState) -> RGBImage {
    let angle = rng.uniform(-45, 45)
    if magick {
      let px = MagickMotionBlur.apply(
        img.pixels, height: img.height, width: img.width, channels: 3, radius: Double(p.0), sigma: p.1, angle: angle)
      return RGBImage(width: img.width, height: img.height, pixels: px)
    }
    let y = MotionBlurKernel.apply(
      img.pixels.map { Double($0) }, height: img.height, width: img.width, channels: 3, radius: p.0, sigma: p.1,
      angle: angle)
    return RGBImage(width: img.width, height: img.height, pixels: y.map { Pixels.trunc8(min(max($0, 0), 255)) })
  }

  /// Mean of the image and its centre zooms (float32 accumulation in factor order), clip, ·255.
  static func zoom(_ img: RGBImage, _ p: (Double, Double)) -> RGBImage {
    let h = img.height, w = img.width
    let factors = NumpyMath.arange(1, p.0, p.1)
    let x = Pixels.unitFloats(img.pixels)
    let n1 = h * w * 3
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
