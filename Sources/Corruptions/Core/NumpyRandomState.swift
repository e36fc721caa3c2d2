import Foundation

/// A bit-exact emulation of numpy's legacy `np.random.RandomState` (MT19937).
///
/// `NumpyRandomState(seed: s)` produces the same streams as `np.random.seed(s)` followed by the
/// legacy draw functions: `random_sample`, `standard_normal` (polar Box-Muller with the cached
/// second value), `normal`, `uniform`, `randint` (masked rejection), `poisson` (multiplication
/// method below 10, PTRS above) and `choice(p:)`. Arrays are filled in C order.
public struct NumpyRandomState: Sendable {
  private var mt = [UInt32](repeating: 0, count: 624)
  private var index = 624
  private var hasGauss = false
  private var cachedGauss = 0.0

  /// Seeds like `np.random.seed(seed)` (`init_genrand`), clearing the Gaussian cache.
  public init(seed: UInt32) {
    mt[0] = seed
    for i in 1..<624 {
      mt[i] = 1_812_433_253 &* (mt[i - 1] ^ (mt[i - 1] >> 30)) &+ UInt32(i)
    }
    index = 624
  }

  private mutating func generate() {
    let matrixA: UInt32 = 0x9908_b0df
    mt.withUnsafeMutableBufferPointer { m in
      @inline(__always) func twist(_ i: Int, _ next: Int, _ far: Int) {
        let y = (m[i] & 0x8000_0000) | (m[next] & 0x7fff_ffff)
        m[i] = m[far] ^ (y >> 1) ^ ((y & 1) &* matrixA)
      }
      for i in 0..<227 { twist(i, i + 1, i + 397) }
      for i in 227..<623 { twist(i, i + 1, i - 227) }
      twist(623, 0, 396)
    }
    index = 0
  }

  /// The next raw 32-bit output (tempered).
  public mutating func nextUInt32() -> UInt32 {
    if index >= 624 { generate() }
    var y = mt.withUnsafeBufferPointer { $0[index] }
    index += 1
    y ^= y >> 11
    y ^= (y << 7) & 0x9d2c_5680
    y ^= (y << 15) & 0xefc6_0000
    y ^= y >> 18
    return y
  }

  /// `random_sample()`: a 53-bit double in [0, 1).
  public mutating func randomSample() -> Double {
    let a = nextUInt32() >> 5, b = nextUInt32() >> 6
    return (Double(a) * 67_108_864.0 + Double(b)) / 9_007_199_254_740_992.0
  }

  /// `standard_normal()`: legacy polar method with a cached second value.
  public mutating func gauss() -> Double {
    if hasGauss {
      hasGauss = false
      let t = cachedGauss
      cachedGauss = 0
      return t
    }
    var x1 = 0.0, x2 = 0.0, r2 = 0.0
    repeat {
      x1 = 2.0 * randomSample() - 1.0
      x2 = 2.0 * randomSample() - 1.0
      r2 = x1 * x1 + x2 * x2
    } while r2 >= 1.0 || r2 == 0.0
    let f = (-2.0 * Foundation.log(r2) / r2).squareRoot()
    cachedGauss = f * x1
    hasGauss = true
    return f * x2
  }

  /// `normal(loc, scale)` = loc + scale * gauss.
  public mutating func normal(loc: Double = 0, scale: Double = 1) -> Double {
    loc + scale * gauss()
  }

  /// `normal(loc, scale, size=count)` in C order.
  public mutating func normal(loc: Double, scale: Double, count: Int) -> [Double] {
    var out = [Double](repeating: 0, count: count)
    for i in 0..<count { out[i] = loc + scale * gauss() }
    return out
  }

  /// `uniform(low, high)` = low + (high - low) * random_sample.
  public mutating func uniform(_ low: Double, _ high: Double) -> Double {
    low + (high - low) * randomSample()
  }

  /// `uniform(low, high, size=count)`.
  public mutating func uniform(_ low: Double, _ high: Double, count: Int) -> [Double] {
    let range = high - low
    var out = [Double](repeating: 0, count: count)
    for i in 0..<count { out[i] = low + range * randomSample() }
    return out
  }

  /// `randint(low, high)` (high exclusive), for ranges below 2^32: masked rejection sampling.
  public mutating func randint(_ low: Int, _ high: Int) -> Int {
    precondition(high > low, "randint: empty range [\(low), \(high))")
    let rng = UInt64(high - 1 - low)
    if rng == 0 { return low }
    precondition(rng <= 0xffff_ffff, "randint: range too large")
    if rng == 0xffff_ffff { return low + Int(nextUInt32()) }
    var mask = rng
    mask |= mask >> 1; mask |= mask >> 2; mask |= mask >> 4; mask |= mask >> 8; mask |= mask >> 16
    let m32 = UInt32(mask), r32 = UInt32(rng)
    while true {
      let v = nextUInt32() & m32
      if v <= r32 { return low + Int(v) }
    }
  }

  /// `randint(high)` = `randint(0, high)`.
  public mutating func randint(_ high: Int) -> Int { randint(0, high) }

  /// Per-λ constants of the Poisson samplers (precompute once when λ repeats).
  public struct PoissonParameters: Sendable {
    let lam: Double, enlam: Double
    let loglam: Double, a: Double, b: Double, logInvalpha: Double, vr: Double

    public init(_ lam: Double) {
      self.lam = lam
      enlam = lam < 10 ? Foundation.exp(-lam) : 0
      let slam = lam.squareRoot()
      loglam = lam >= 10 ? Foundation.log(lam) : 0
      b = 0.931 + 2.53 * slam
      a = -0.059 + 0.02483 * b
      logInvalpha = Foundation.log(1.1239 + 1.1328 / (b - 3.4))
      vr = 0.9277 - 3.6224 / (b - 2)
    }
  }

  /// `poisson(lam)`: multiplication method for lam < 10, Hörmann's PTRS otherwise.
  public mutating func poisson(_ lam: Double) -> Int { poisson(PoissonParameters(lam)) }

  /// `poisson(lam)` with precomputed constants.
  public mutating func poisson(_ p: PoissonParameters) -> Int {
    if p.lam >= 10 { return poissonPTRS(p) }
    if p.lam == 0 { return 0 }
    var x = 0
    var prod = 1.0
    while true {
      prod *= randomSample()
      if prod > p.enlam { x += 1 } else { return x }
    }
  }

  private mutating func poissonPTRS(_ p: PoissonParameters) -> Int {
    let lam = p.lam, loglam = p.loglam, a = p.a, b = p.b, vr = p.vr
    while true {
      let u = randomSample() - 0.5
      let v = randomSample()
      let us = 0.5 - Swift.abs(u)
      let k = Int(((2 * a / us + b) * u + lam + 0.43).rounded(.down))
      if us >= 0.07 && v <= vr { return k }
      if k < 0 || (us < 0.013 && v > us) { continue }
      if Foundation.log(v) + p.logInvalpha - Foundation.log(a / (us * us) + b)
        <= -lam + Double(k) * loglam - NumpyRandomState.loggam(Double(k + 1))
      {
        return k
      }
    }
  }

  /// numpy's `random_loggam` (Stirling series with upward shift below 7).
  static func loggam(_ xIn: Double) -> Double {
    let a: [Double] = [
      8.333333333333333e-02, -2.777777777777778e-03, 7.936507936507937e-04, -5.952380952380952e-04,
      8.417508417508418e-04, -1.917526917526918e-03, 6.410256410256410e-03, -2.955065359477124e-02,
      1.796443723688307e-01, -1.39243221690590e+00,
    ]
    let x = xIn
    if x == 1.0 || x == 2.0 { return 0.0 }
    let n = x < 7.0 ? Int(7 - x) : 0
    var x0 = x + Double(n)
    let x2 = (1.0 / x0) * (1.0 / x0)
    let xp = 2 * Double.pi
    var gl0 = a[9]
    for k in stride(from: 8, through: 0, by: -1) {
      gl0 *= x2
      gl0 += a[k]
    }
    var gl = gl0 / x0 + 0.5 * Foundation.log(xp) + (x0 - 0.5) * Foundation.log(x0) - x0
    if x < 7.0 {
      for _ in 1...n {
        gl -= Foundation.log(x0 - 1.0)
        x0 -= 1.0
      }
    }
    return gl
  }

  /// `choice(k, size=count, p=p)` (legacy): one double per element, searchsorted right into the cdf.
  public mutating func choice(probabilities p: [Double], count: Int) -> [Int] {
    let cdf = NumpyMath.cumsumNormalised(p)
    var out = [Int](repeating: 0, count: count)
    for i in 0..<count {
      let u = randomSample()
      var idx = 0
      while idx < cdf.count && cdf[idx] <= u { idx += 1 }
      out[i] = idx
    }
    return out
  }
}

