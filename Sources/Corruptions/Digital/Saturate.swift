import Foundation
import Imaging

extension Digital {
  /// HSV saturation ·k + b (clipped), back to RGB.
  static func saturate(_ img: RGBImage, _ p: SaturateParameters) -> RGBImage {
    var out = img.pixels
    for i in stride(from: 0, to: out.count, by: 3) {
      let (hh, s, v) = HSV.rgb2hsv(
        Double(img.pixels[i]) / 255.0, Double(img.pixels[i + 1]) / 255.0, Double(img.pixels[i + 2]) / 255.0)
      let (r, g, b) = HSV.hsv2rgb(hh, min(max(s * p.scale + p.offset, 0), 1), v)
      out[i] = Pixels.trunc8(min(max(r, 0), 1) * 255)
      out[i + 1] = Pixels.trunc8(min(max(g, 0), 1) * 255)
      out[i + 2] = Pixels.trunc8(min(max(b, 0), 1) * 255)
    }
    return RGBImage(width: img.width, height: img.height, pixels: out)
  }
}
