import Foundation

/// scikit-image `rgb2hsv` / `hsv2rgb` on float64 pixels (same algorithm in 0.13 and 0.26).
enum HSV {
  @inline(__always) static func rgb2hsv(_ r: Double, _ g: Double, _ b: Double) -> (Double, Double, Double) {
    let v = max(r, g, b)
    let delta = v - min(r, g, b)
    var s = delta / v
    if delta == 0 { s = 0 }
    var h = 0.0
    if r == v { h = (g - b) / delta }
    if g == v { h = 2.0 + (b - r) / delta }
    if b == v { h = 4.0 + (r - g) / delta }
    h = NumpyMath.remainder(h / 6.0, 1.0)
    if delta == 0 { h = 0 }
    if h.isNaN { h = 0 }
    if s.isNaN { s = 0 }
    return (h, s, v)
  }

  @inline(__always) static func hsv2rgb(_ h: Double, _ s: Double, _ v: Double) -> (Double, Double, Double) {
    let hi = (h * 6).rounded(.down)
    let f = h * 6 - hi
    let p = v * (1 - s)
    let q = v * (1 - f * s)
    let t = v * (1 - (1 - f) * s)
    let i = Int(UInt8(truncatingIfNeeded: Int(hi))) % 6
    switch i {
    case 0: return (v, t, p)
    case 1: return (q, v, p)
    case 2: return (p, v, t)
    case 3: return (p, q, v)
    case 4: return (t, p, v)
    default: return (v, p, q)
    }
  }
}
