import Foundation

/// OpenCV primitives of the water spatter: Canny, 5×5 chamfer distance transform, box blur,
/// histogram equalisation and an 8-bit filter2D (single-channel, row-major).
enum CVSpatter {
  /// `cv2.Canny(src, low, high)` (aperture 3, L1 magnitude, replicate-border Sobel,
  /// non-maximum suppression with the tan 22.5° fixed-point test, 8-connected hysteresis).
  static func canny(_ src: [UInt8], height h: Int, width w: Int, low lowT: Double, high highT: Double) -> [UInt8] {
    let low = Int(lowT.rounded(.down)), high = Int(highT.rounded(.down))
    let pw = w + 2
    var pad = [Int](repeating: 0, count: (h + 2) * pw)
    for y in 0..<(h + 2) {
      for x in 0..<pw { pad[y * pw + x] = Int(src[min(max(y - 1, 0), h - 1) * w + min(max(x - 1, 0), w - 1)]) }
    }
    @inline(__always) func px(_ y: Int, _ x: Int) -> Int { pad[(y + 1) * pw + x + 1] }
    var dx = [Int](repeating: 0, count: h * w), dy = dx
    var mag = [Int](repeating: 0, count: (h + 2) * (w + 2))
    let mw = w + 2
    for y in 0..<h {
      for x in 0..<w {
        let gx = (px(y - 1, x + 1) + 2 * px(y, x + 1) + px(y + 1, x + 1)) - (px(y - 1, x - 1) + 2 * px(y, x - 1) + px(y + 1, x - 1))
        let gy = (px(y + 1, x - 1) + 2 * px(y + 1, x) + px(y + 1, x + 1)) - (px(y - 1, x - 1) + 2 * px(y - 1, x) + px(y - 1, x + 1))
        dx[y * w + x] = gx
        dy[y * w + x] = gy
        mag[(y + 1) * mw + x + 1] = abs(gx) + abs(gy)
      }
    }
    // map: 0 = candidate, 1 = not an edge, 2 = edge; 1-pixel border of 1s.
    var map = [UInt8](repeating: 1, count: (h + 2) * mw)
    var stack: [Int] = []
    let tg22 = 13573
    for y in 0..<h {
      var prevFlag = false
      for x in 0..<w {
        let mi = (y + 1) * mw + x + 1
        let m = mag[mi]
        var push = false
        if m > low {
          let xs = dx[y * w + x], ys = dy[y * w + x]
          let ax = abs(xs), ay = abs(ys) << 15
          let tg22x = ax * tg22
          if ay < tg22x {
            if m > mag[mi - 1] && m >= mag[mi + 1] { push = true }
          } else {
            let tg67x = tg22x + (ax << 16)
            if ay > tg67x {
              if m > mag[mi - mw] && m >= mag[mi + mw] { push = true }
            } else {
              let s = (xs ^ ys) < 0 ? -1 : 1
              if m > mag[mi - mw - s] && m > mag[mi + mw + s] { push = true }
            }
          }
        }
        if push {
          if !prevFlag && m > high && map[mi - mw] != 2 {
            map[mi] = 2
            stack.append(mi)
            prevFlag = true
          } else {
            map[mi] = 0
          }
        } else {
          prevFlag = false
          map[mi] = 1
        }
      }
    }
    while let m = stack.popLast() {
      for off in [-mw - 1, -mw, -mw + 1, -1, 1, mw - 1, mw, mw + 1] where map[m + off] == 0 {
        map[m + off] = 2
        stack.append(m + off)
      }
    }
    var out = [UInt8](repeating: 0, count: h * w)
    for y in 0..<h {
      for x in 0..<w where map[(y + 1) * mw + x + 1] == 2 { out[y * w + x] = 255 }
    }
    return out
  }

  /// `cv2.distanceTransform(src, DIST_L2, 5)`: two-pass 5×5 chamfer (1, 1.4, 2.1969) accumulated
  /// in float32 as OpenCV 5 does (agrees with cv2 on all but a handful of pixels, by < 4e-6);
  /// distance to the nearest zero pixel.
  static func distanceTransform5(_ src: [UInt8], height h: Int, width w: Int) -> [Float] {
    let border = 2
    let hv: Float = 1, diag: Float = 1.4, long: Float = 2.1969
    let far: Float = 1e30
    let tw = w + 2 * border, th = h + 2 * border
    var t = [Float](repeating: far, count: tw * th)
    t.withUnsafeMutableBufferPointer { tp in
      for i in 0..<h {
        let row = (i + border) * tw + border
        for j in 0..<w {
          let p = row + j
          if src[i * w + j] == 0 {
            tp[p] = 0
          } else {
            var t0 = tp[p - tw * 2 - 1] + long
            t0 = min(t0, tp[p - tw * 2 + 1] + long)
            t0 = min(t0, tp[p - tw - 2] + long)
            t0 = min(t0, tp[p - tw - 1] + diag)
            t0 = min(t0, tp[p - tw] + hv)
            t0 = min(t0, tp[p - tw + 1] + diag)
            t0 = min(t0, tp[p - tw + 2] + long)
            t0 = min(t0, tp[p - 1] + hv)
            tp[p] = t0
          }
        }
      }
      for i in stride(from: h - 1, through: 0, by: -1) {
        let row = (i + border) * tw + border
        for j in stride(from: w - 1, through: 0, by: -1) {
          let p = row + j
          var t0 = tp[p]
          if t0 > hv {
            t0 = min(t0, tp[p + tw * 2 + 1] + long)
            t0 = min(t0, tp[p + tw * 2 - 1] + long)
            t0 = min(t0, tp[p + tw + 2] + long)
            t0 = min(t0, tp[p + tw + 1] + diag)
            t0 = min(t0, tp[p + tw] + hv)
            t0 = min(t0, tp[p + tw - 1] + diag)
            t0 = min(t0, tp[p + tw - 2] + long)
            t0 = min(t0, tp[p + 1] + hv)
            tp[p] = t0
          }
        }
      }
    }
    var d = [Float](repeating: 0, count: h * w)
    for i in 0..<h {
      for j in 0..<w { d[i * w + j] = t[(i + border) * tw + border + j] }
    }
    return d
  }

  /// `cv2.blur(src, (3, 3))` on float32 (double sums, ·1/9), REFLECT_101.
  static func box3(_ src: [Float], height h: Int, width w: Int) -> [Float] {
    var out = [Float](repeating: 0, count: h * w)
    let ry = (-1...h).map { CVFilters.reflect101($0, h) * w }, rx = (-1...w).map { CVFilters.reflect101($0, w) }
    for y in 0..<h {
      for x in 0..<w {
        var s = 0.0
        for dy in 0...2 {
          let row = ry[y + dy]
          for dx in 0...2 { s += Double(src[row + rx[x + dx]]) }
        }
        out[y * w + x] = Float(s * (1.0 / 9.0))
      }
    }
    return out
  }

  /// `cv2.blur(src, (3, 3))` on uint8 (rounded), REFLECT_101.
  static func box3(_ src: [UInt8], height h: Int, width w: Int) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: h * w)
    let ry = (-1...h).map { CVFilters.reflect101($0, h) * w }, rx = (-1...w).map { CVFilters.reflect101($0, w) }
    for y in 0..<h {
      for x in 0..<w {
        var s = 0
        for dy in 0...2 {
          let row = ry[y + dy]
          for dx in 0...2 { s += Int(src[row + rx[x + dx]]) }
        }
        out[y * w + x] = UInt8((Double(s) / 9.0).rounded(.toNearestOrEven))
      }
    }
    return out
  }

  /// `cv2.equalizeHist`.
  static func equalizeHist(_ src: [UInt8]) -> [UInt8] {
    var hist = [Int](repeating: 0, count: 256)
    for v in src { hist[Int(v)] += 1 }
    var i = 0
    while i < 256 && hist[i] == 0 { i += 1 }
    let total = src.count
    if i == 256 { return src }
    if hist[i] == total { return [UInt8](repeating: UInt8(i), count: total) }
    let scale = Float(255) / Float(total - hist[i])
    var lut = [UInt8](repeating: 0, count: 256)
    var sum = 0
    lut[i] = 0
    i += 1
    while i < 256 {
      sum += hist[i]
      let v = (Float(sum) * scale).rounded(.toNearestOrEven)
      lut[i] = v <= 0 ? 0 : (v >= 255 ? 255 : UInt8(v))
      i += 1
    }
    return src.map { lut[Int($0)] }
  }

  /// `cv2.filter2D(u8, CV_8U, k3x3)` with an integer kernel (correlation, saturated), REFLECT_101.
  static func filter2D8u(_ src: [UInt8], height h: Int, width w: Int, kernel k: [Int]) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: h * w)
    let ry = (-1...h).map { CVFilters.reflect101($0, h) * w }, rx = (-1...w).map { CVFilters.reflect101($0, w) }
    for y in 0..<h {
      for x in 0..<w {
        var s = 0
        for dy in 0...2 {
          let row = ry[y + dy]
          for dx in 0...2 { s += k[dy * 3 + dx] * Int(src[row + rx[x + dx]]) }
        }
        out[y * w + x] = UInt8(min(max(s, 0), 255))
      }
    }
    return out
  }
}
