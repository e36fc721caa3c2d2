import Foundation

/// A factor of attention scores as the exporters compute it: `coefficient * d^power`, where `d`
/// is the head size (the last dimension of q, k and v). torch's `scaled_dot_product_attention`
/// computes `sqrt(1 / sqrt(d))` from q's shape at run time and multiplies q and k by it; timm's
/// unfused attention multiplies by a constant.
struct AttentionScale: Equatable {
  var coefficient: Double
  var power: Double

  static let one = AttentionScale(coefficient: 1, power: 0)

  /// The factor for head size `d`.
  func value(headSize d: Int) -> Double { coefficient * Foundation.pow(Double(d), power) }

  static func * (a: AttentionScale, b: AttentionScale) -> AttentionScale {
    AttentionScale(coefficient: a.coefficient * b.coefficient, power: a.power + b.power)
  }

  /// The factor to the power `e`, for a positive coefficient (so no NaN or infinity is hidden).
  func raised(to e: Double) -> AttentionScale? {
    guard coefficient > 0, coefficient.isFinite, e.isFinite else { return nil }
    return AttentionScale(coefficient: Foundation.pow(coefficient, e), power: power * e)
  }
}
