extension Tensor {
  /// A tensor filled with one value.
  public init(repeating value: Double, shape: [Int], dtype: DType = .float32) {
    let n = Shape.count(shape)
    switch dtype {
    case .float32: self.init(shape: shape, scalars: [Float](repeating: Float(value), count: n))
    case .float64: self.init(shape: shape, doubles: [Double](repeating: value, count: n))
    }
  }

  /// A tensor of zeros.
  public static func zeros(_ shape: [Int], dtype: DType = .float32) -> Tensor {
    Tensor(repeating: 0, shape: shape, dtype: dtype)
  }

  /// A tensor of ones.
  public static func ones(_ shape: [Int], dtype: DType = .float32) -> Tensor {
    Tensor(repeating: 1, shape: shape, dtype: dtype)
  }

  /// A scalar (rank-0) tensor.
  public static func scalar(_ value: Double, dtype: DType = .float32) -> Tensor {
    Tensor(repeating: value, shape: [], dtype: dtype)
  }

  /// `0, 1, ..., n-1` as a rank-1 tensor.
  public static func arange(_ n: Int, dtype: DType = .float32) -> Tensor {
    switch dtype {
    case .float32: return Tensor(shape: [n], scalars: (0..<n).map { Float($0) })
    case .float64: return Tensor(shape: [n], doubles: (0..<n).map { Double($0) })
    }
  }

  /// Uniform values in `[low, high)` from a seeded generator (reproducible across runs).
  public static func uniform(
    _ shape: [Int], low: Double = 0, high: Double = 1, seed: UInt64, dtype: DType = .float32
  ) -> Tensor {
    var rng = SplitMix64(seed: seed)
    let values = (0..<Shape.count(shape)).map { _ in low + (high - low) * rng.nextUnit() }
    return Tensor(shape: shape, doubles: values).converted(to: dtype)
  }

  /// Standard-normal values (Box-Muller) from a seeded generator.
  public static func normal(
    _ shape: [Int], mean: Double = 0, std: Double = 1, seed: UInt64, dtype: DType = .float32
  ) -> Tensor {
    var rng = SplitMix64(seed: seed)
    let values = (0..<Shape.count(shape)).map { _ -> Double in
      let u1 = Swift.max(rng.nextUnit(), 1e-300)
      let u2 = rng.nextUnit()
      return mean + std * (-2 * .log(u1)).squareRoot() * .cos(2 * .pi * u2)
    }
    return Tensor(shape: shape, doubles: values).converted(to: dtype)
  }
}

/// A small, fast, seedable generator (SplitMix64) for reproducible initialisation.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  private var state: UInt64

  /// Creates a generator from a seed.
  public init(seed: UInt64) { state = seed }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A uniform Double in [0, 1) with 53 random bits.
  public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1p-53 }
}
