import Foundation
import Imaging

/// Pillow's `Image.resize` with BOX (fixed point, horizontal pass first) and NEAREST.
enum PILResize {
  private static let precisionBits = 22

  /// Fixed-point coefficients for one axis: (xmin, weights) per output index.
  private static func coefficients(input n: Int, output m: Int) -> [(Int, [Int32])] {
    let scale = Double(n) / Double(m)
    let filterscale = max(scale, 1.0)
    let support = 0.5 * filterscale
    var out: [(Int, [Int32])] = []
    for xx in 0..<m {
      let center = (Double(xx) + 0.5) * scale
      let ss = 1.0 / filterscale
      var xmin = Int(center - support + 0.5)
      if xmin < 0 { xmin = 0 }
      var xmax = Int(center + support + 0.5)
      if xmax > n { xmax = n }
      xmax -= xmin
      var k = [Double](repeating: 0, count: max(xmax, 0))
      var ww = 0.0
      for x in 0..<max(xmax, 0) {
        let arg = (Double(x + xmin) - center + 0.5) * ss
        let w: Double = (arg > -0.5 && arg <= 0.5) ? 1.0 : 0.0
        k[x] = w
        ww += w
      }
      var fixed = [Int32]()
      for x in 0..<k.count {
        let v = ww != 0 ? k[x] / ww : k[x]
        fixed.append(Int32(v < 0 ? -0.5 + v * Double(1 << precisionBits) : 0.5 + v * Double(1 << precisionBits)))
      }
      out.append((xmin, fixed))
    }
    return out
  }

  @inline(__always) private static func clip8(_ v: Int) -> UInt8 {
    let s = v >> precisionBits
    return s < 0 ? 0 : (s > 255 ? 255 : UInt8(s))
  }

  /// BOX resize of an RGB image.
  static func box(_ img: RGBImage, width ow: Int, height oh: Int) -> RGBImage {
    let w = img.width, h = img.height
    var cur = img.pixels
    var cw = w
    if ow != w {
      let co = coefficients(input: w, output: ow)
      var tmp = [UInt8](repeating: 0, count: h * ow * 3)
      for y in 0..<h {
        for x in 0..<ow {
          let (xmin, k) = co[x]
          for c in 0..<3 {
            var ss = 1 << (precisionBits - 1)
            for i in 0..<k.count { ss += Int(cur[(y * w + xmin + i) * 3 + c]) * Int(k[i]) }
            tmp[(y * ow + x) * 3 + c] = clip8(ss)
          }
        }
      }
      cur = tmp
      cw = ow
    }
    if oh != h {
      let co = coefficients(input: h, output: oh)
      var tmp = [UInt8](repeating: 0, count: oh * cw * 3)
      for y in 0..<oh {
        let (ymin, k) = co[y]
        for x in 0..<cw {
          for c in 0..<3 {
            var ss = 1 << (precisionBits - 1)
            for i in 0..<k.count { ss += Int(cur[((ymin + i) * cw + x) * 3 + c]) * Int(k[i]) }
            tmp[(y * cw + x) * 3 + c] = clip8(ss)
          }
        }
      }
      cur = tmp
    }
    return RGBImage(width: ow, height: oh, pixels: cur)
  }

  /// NEAREST resize as Pillow does it (Geometry.c `ImagingScaleAffine`): the source coordinate
  /// starts at half a step, `n_in/n_out · 0.5`, and is advanced by adding the step `n_in/n_out` once
  /// per output pixel (in double); the index is its integer part. The repeated addition rounds
  /// differently from `(o + 0.5)·n_in/n_out` at exact boundaries (e.g. 34 -> 115 rows), so the
  /// positions are accumulated exactly like that.
  static func nearest(_ img: RGBImage, width ow: Int, height oh: Int) -> RGBImage {
    let xs = nearestIndices(input: img.width, output: ow), ys = nearestIndices(input: img.height, output: oh)
    var out = [UInt8](repeating: 0, count: ow * oh * 3)
    for y in 0..<oh {
      let iy = ys[y]
      for x in 0..<ow {
        let ix = xs[x]
        for c in 0..<3 { out[(y * ow + x) * 3 + c] = img.pixels[(iy * img.width + ix) * 3 + c] }
      }
    }
    return RGBImage(width: ow, height: oh, pixels: out)
  }

  /// Pillow's NEAREST source index of each of `m` output positions along an axis of `n` inputs.
  static func nearestIndices(input n: Int, output m: Int) -> [Int] {
    let step = Double(n) / Double(m)
    var position = step * 0.5
    var out: [Int] = []
    out.reserveCapacity(m)
    for _ in 0..<m {
      out.append(min(max(Int(position), 0), n - 1))
      position += step
    }
    return out
  }
}
