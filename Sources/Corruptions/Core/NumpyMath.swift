import Foundation

/// Small numpy-compatible numeric helpers (summation order matters for bit-exactness).
enum NumpyMath {
  /// `p.cumsum(); cdf /= cdf[-1]`.
  static func cumsumNormalised(_ p: [Double]) -> [Double] {
    var cdf = p
    for i in 1..<max(cdf.count, 1) where cdf.count > 1 { cdf[i] += cdf[i - 1] }
    let last = cdf[cdf.count - 1]
    return cdf.map { $0 / last }
  }

  /// `np.arange(start, stop, step)` for doubles (numpy's length and fill rule).
  static func arange(_ start: Double, _ stop: Double, _ step: Double) -> [Double] {
    let n = Int(((stop - start) / step).rounded(.up))
    guard n > 0 else { return [] }
    let delta = (start + step) - start
    return (0..<n).map { $0 == 0 ? start : start + Double($0) * delta }
  }

  /// Python's `round()` for doubles (half to even) as Int.
  static func roundHalfEven(_ x: Double) -> Int { Int(x.rounded(.toNearestOrEven)) }

  /// numpy float remainder (`np.remainder`, sign of the divisor).
  static func remainder(_ a: Double, _ b: Double) -> Double {
    var mod = fmod(a, b)
    if mod != 0 {
      if (b < 0) != (mod < 0) { mod += b }
    } else {
      mod = b < 0 ? -0.0 : 0.0
    }
    return mod
  }
}

/// Conversions between `RGBImage` and float planes, with numpy's uint8 truncation.
enum Pixels {
  /// HWC doubles `v / 255` (numpy `np.array(img) / 255.`).
  static func unitDoubles(_ img: [UInt8]) -> [Double] { img.map { Double($0) / 255.0 } }

  /// HWC floats `Float(v) / 255` (numpy `np.array(img, dtype=float32) / 255.`).
  static func unitFloats(_ img: [UInt8]) -> [Float] { img.map { Float($0) / 255 } }

  /// numpy `np.uint8(x)` for a clipped non-negative double: truncation.
  @inline(__always) static func trunc8(_ v: Double) -> UInt8 {
    if !(v > 0) { return 0 }
    if v >= 255 { return 255 }
    return UInt8(v)
  }

  @inline(__always) static func trunc8(_ v: Float) -> UInt8 {
    if !(v > 0) { return 0 }
    if v >= 255 { return 255 }
    return UInt8(v)
  }

  /// `np.uint8(np.clip(x, 0, 1) * 255)` over a buffer of doubles.
  static func clipUnitToBytes(_ x: [Double]) -> [UInt8] {
    x.map { v in trunc8(min(max(v, 0), 1) * 255) }
  }

  static func clipUnitToBytes(_ x: [Float]) -> [UInt8] {
    x.map { v in trunc8(min(max(v, 0), 1) * 255) }
  }
}
