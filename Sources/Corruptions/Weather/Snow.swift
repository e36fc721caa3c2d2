import Foundation
import Imaging

extension Weather {
  /// Snow: normal field, centre zoom, threshold, motion blur at U(−135, −45)°, whitening haze on the
  /// image, add the layer and its 180° rotation. imagecorruptions blurs the float layer (top-left
  /// crop after the blur, rounded to 1/255); hendrycks (`hendrycks`) trims the zoom centred, quantises
  /// to 8 bits and blurs with ImageMagick.
  static func snow(
    _ img: RGBImage, _ p: SnowParameters, hendrycks: Bool,
    _ rng: inout NumpyRandomState
  ) -> RGBImage {
    let h = img.height, w = img.width
    let layer = rng.normal(loc: p.mean, scale: p.std, count: h * w)
    var z = Zoom.clippedZoom(layer, height: h, width: w, channels: 1, zoom: p.zoom, float32: false)
    for i in z.data.indices {
      if z.data[i] < p.threshold { z.data[i] = 0 }
      z.data[i] = min(max(z.data[i], 0), 1)
    }
    var snowLayer = [Double](repeating: 0, count: h * w)
    if hendrycks {
      // Centre trim to H×W, 8-bit grey image, ImageMagick motion blur, /255.
      let ty = (z.height - h) / 2, tx = (z.width - w) / 2
      var grey = [UInt8](repeating: 0, count: h * w)
      for y in 0..<h {
        for x in 0..<w { grey[y * w + x] = Pixels.trunc8(z.data[(y + ty) * z.width + x + tx] * 255) }
      }
      let angle = rng.uniform(-135, -45)
      let blurred = MagickMotionBlur.apply(
        grey, height: h, width: w, channels: 1, radius: Double(p.blurRadius), sigma: p.blurSigma, angle: angle)
      for i in 0..<(h * w) { snowLayer[i] = Double(blurred[i]) / 255.0 }
    } else {
      let angle = rng.uniform(-135, -45)
      let blurred = MotionBlurKernel.apply(
        z.data, height: z.height, width: z.width, channels: 1, radius: p.blurRadius, sigma: p.blurSigma, angle: angle)
      for y in 0..<h {
        for x in 0..<w {
          let v = (blurred[y * z.width + x] * 255).rounded(.toNearestOrEven)
          snowLayer[y * w + x] = Double(UInt8(truncatingIfNeeded: Int(v))) / 255.0
        }
      }
    }
    let blend = Float(p.blend), rest = Float(1 - p.blend)
    var out = [UInt8](repeating: 0, count: h * w * 3)
    for y in 0..<h {
      for x in 0..<w {
        let i = (y * w + x) * 3
        let r = Float(img.pixels[i]) / 255, g = Float(img.pixels[i + 1]) / 255, b = Float(img.pixels[i + 2]) / 255
        let grey = r * 0.299 + g * 0.587 + b * 0.114
        let haze = grey * 1.5 + 0.5
        let s = snowLayer[y * w + x], sr = snowLayer[(h - 1 - y) * w + (w - 1 - x)]
        let xr = blend * r + rest * max(r, haze), xg = blend * g + rest * max(g, haze)
        let xb = blend * b + rest * max(b, haze)
        out[i] = Pixels.trunc8(min(max(Double(xr) + s + sr, 0), 1) * 255)
        out[i + 1] = Pixels.trunc8(min(max(Double(xg) + s + sr, 0), 1) * 255)
        out[i + 2] = Pixels.trunc8(min(max(Double(xb) + s + sr, 0), 1) * 255)
      }
    }
    return RGBImage(width: w, height: h, pixels: out)
  }
}
