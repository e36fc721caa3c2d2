import Foundation

/// "Nice" axis ticks: steps of 1, 2 or 5 times a power of ten.
enum NiceTicks {
  /// About `count` ticks covering [lo, hi]; returns the widened bounds and the tick values.
  static func ticks(lo: Double, hi: Double, count: Int = 5) -> (lo: Double, hi: Double, ticks: [Double]) {
    var lo = lo, hi = hi
    if !(lo.isFinite && hi.isFinite) { (lo, hi) = (0, 1) }
    if hi - lo < 1e-12 { (lo, hi) = (lo - 0.5, hi + 0.5) }
    let raw = (hi - lo) / Double(max(count - 1, 1))
    let mag = pow(10, floor(log10(raw)))
    let step = [1.0, 2, 5, 10].map { $0 * mag }.first { $0 >= raw * 0.999 } ?? 10 * mag
    let first = floor(lo / step + 1e-9) * step
    let last = ceil(hi / step - 1e-9) * step
    var ticks: [Double] = []
    var v = first
    while v <= last + step * 1e-6 {
      ticks.append(abs(v) < step * 1e-9 ? 0 : v)
      v += step
    }
    return (first, last, ticks)
  }

  /// A tick label with as few decimals as the step needs.
  static func label(_ v: Double, step: Double) -> String {
    let decimals = max(0, min(6, Int(ceil(-log10(step) - 1e-9))))
    let s = String(format: "%.\(decimals)f", v)
    return s.hasPrefix("-") ? "\u{2212}" + s.dropFirst() : s
  }
}
