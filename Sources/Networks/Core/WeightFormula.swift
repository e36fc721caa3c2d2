import Autodiff

/// Deterministic weights computed from a parameter's name, element index and shape.
///
/// Integer hashing only, so Swift and `Scripts/fixtures/weight_formula.py` give the same float32
/// bits: parity tests and benchmarks build full-size networks (ResNet-50, ViT-S) without
/// shipping weight files. Scales keep activations in a sane range: `±sqrt(3 / fan_in)` for
/// weights, `1 ± 0.1` for norm weights, `0.5...1.5` for running variances.
public enum WeightFormula {
  /// FNV-1a 32-bit hash of a name.
  static func fnv1a32(_ name: String) -> UInt32 {
    var h: UInt32 = 0x811C_9DC5
    for b in name.utf8 {
      h ^= UInt32(b)
      h = h &* 0x0100_0193
    }
    return h
  }

  /// The `i`-th value in [0, 1) for a name.
  static func unit(_ hash: UInt32, _ i: Int) -> Double {
    var x = hash &+ UInt32(truncatingIfNeeded: UInt64(i) &* 2_654_435_761)
    x ^= x >> 15
    x = x &* 2_246_822_519
    x ^= x >> 13
    x = x &* 3_266_489_917
    x ^= x >> 16
    return Double(x) / 4_294_967_296
  }

  /// How a parameter's unit values become weights.
  enum Kind {
    case runningVariance, small, normWeight, unitRange, fanIn(Double)

    init(_ name: String, _ shape: [Int]) {
      let leaf = name.split(separator: ".").last.map(String.init) ?? name
      switch leaf {
      case "running_var": self = .runningVariance
      case "running_mean", "bias", "beta": self = .small
      default:
        if shape.count == 1 || leaf == "gamma" {
          self = .normWeight
        } else if ["cls_token", "reg_token", "pos_embed", "input"].contains(name) {
          self = .unitRange
        } else {
          self = .fanIn((3 / Double(shape.dropFirst().reduce(1, *))).squareRoot())
        }
      }
    }

    func apply(_ u: Double) -> Float {
      let s = 2 * u - 1
      switch self {
      case .runningVariance: return Float(0.5 + u)
      case .small: return Float(0.1 * s)
      case .normWeight: return Float(1 + 0.1 * s)
      case .unitRange: return Float(s)
      case .fanIn(let bound): return Float(s * bound)
      }
    }
  }

  /// A whole tensor from the formula.
  public static func tensor(_ name: String, _ shape: [Int]) -> Tensor {
    let h = fnv1a32(name)
    let kind = Kind(name, shape)
    return Tensor(shape: shape, scalars: (0..<Shape.count(shape)).map { kind.apply(unit(h, $0)) })
  }

  /// A weight source that fills every parameter from the formula.
  public static var source: WeightSource { WeightSource(.formula({ name, shape in tensor(name, shape) })) }
}
