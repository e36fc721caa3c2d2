import Foundation
import Imaging

extension Blur {
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
  static func defocus(_ img: RGBImage, _ p: DefocusBlurParameters) -> RGBImage {
    let (k, n) = diskKernel(radius: p.radius, aliasBlur: p.aliasBlur)
    let y = CVFilters.filter2D(
      Pixels.unitDoubles(img.pixels), height: img.height, width: img.width, channels: 3, kernel: k, ksize: n)
    return RGBImage(width: img.width, height: img.height, pixels: Pixels.clipUnitToBytes(y))
  }
}
