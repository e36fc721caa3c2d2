import Foundation
import Imaging

extension Blur {
  /// Blur, quantise, locally copy pixels from random neighbours (descending raster, `iterations`
  /// times, shifts in [−δ, δ−1], dx drawn before dy), blur again.
  static func glass(_ img: RGBImage, _ p: GlassBlurParameters, _ rng: inout NumpyRandomState) -> RGBImage {
    let sigma = p.sigma, d = p.maxDelta
    let h = img.height, w = img.width
    let b = GaussianFilter.apply(
      Pixels.unitDoubles(img.pixels), height: h, width: w, channels: 3, sigmaY: sigma, sigmaX: sigma)
    var g = b.map { Pixels.trunc8($0 * 255) }
    g.withUnsafeMutableBufferPointer { gp in
      for _ in 0..<p.iterations {
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
}
