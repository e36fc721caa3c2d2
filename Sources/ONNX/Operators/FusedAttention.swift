import Autodiff
import Foundation

/// The attention ``AttentionFusion`` writes: `qkv` `[B, T, 3, heads, d]` (the projection with its
/// heads split) -> the attended values `[B, T, heads, d]` (heads not yet merged) and the
/// probabilities `[B, heads, T, T]`, with scores scaled by `scale * d^scale_power`.
///
/// It runs as the native ViT's attention does: one fused ``multiHeadAttention(_:heads:scale:bias:keepingProbabilities:)``
/// that keeps the probabilities only when asked, unless the probabilities must be a node of the
/// autodiff graph (gradient rollout differentiates with respect to them, or a pass taps them):
/// then the unfused ops compute them.
enum FusedAttention {
  /// The node type ``AttentionFusion`` writes, as ``GraphNode/qualifiedType`` spells it.
  static let qualifiedType = "\(FusedOperators.domain).\(AttentionFusion.type)"

  /// What a pass needs of the probabilities.
  enum Probabilities {
    /// Nothing: they are not materialised.
    case none
    /// Their values (rollout).
    case values
    /// A graph node, passed through `hook` (which may tap, track and record it) before `p @ v`.
    case node(hook: (Tensor) -> Tensor)

    var isValues: Bool {
      if case .values = self { return true }
      return false
    }
  }

  /// Runs the node of `call`; the probabilities come back unless `need` is `.none`.
  static func run(_ call: OperatorCall, _ need: Probabilities) throws -> (output: Tensor, probabilities: Tensor?) {
    var qkv = try call.float(0)
    guard qkv.rank == 5, qkv.shape[2] >= 3 else {
      throw GraphError("Attention: qkv \(qkv.shape) is not [B, T, 3, heads, d]")
    }
    // A Split into three needs exactly three parts; Slice and Gather take the first three.
    if call.node.int("exact_parts", default: 1) == 1, qkv.shape[2] != 3 {
      throw GraphError("Attention: qkv \(qkv.shape) has \(qkv.shape[2]) parts on axis 2; the split takes 3")
    }
    if qkv.shape[2] > 3 { qkv = qkv.slice(axis: 2, range: 0..<3) }
    let (b, t, heads, d) = (qkv.shape[0], qkv.shape[1], qkv.shape[3], qkv.shape[4])
    let scale = AttentionScale(coefficient: call.node.float("scale", default: 1), power: call.node.float("scale_power", default: 0))
      .value(headSize: d)
    if case .node(let hook) = need {
      return composed(qkv, scale: scale, hook: hook)
    }
    // The kernel needs at least one head, token and channel; an empty tensor takes the plain ops.
    guard qkv.count > 0 else { return composed(qkv, scale: scale) { $0 } }
    let fused = multiHeadAttention(qkv.reshaped([b, t, 3 * heads * d]), heads: heads, scale: scale, keepingProbabilities: need.isValues)
    return (fused.output.reshaped([b, t, heads, d]), fused.probabilities)
  }

  /// The unfused ops (as the native ViT's attention runs them when its probabilities are tapped).
  private static func composed(_ qkv: Tensor, scale: Double, hook: (Tensor) -> Tensor) -> (output: Tensor, probabilities: Tensor?) {
    let parts = qkv.permuted([2, 0, 3, 1, 4])
    let (q, k, v) = (parts.selecting(index: 0, axis: 0), parts.selecting(index: 1, axis: 0), parts.selecting(index: 2, axis: 0))
    let probabilities = hook(softmax(matmul(q, k.transposed(-2, -1)) * scale, axis: -1))
    return (matmul(probabilities, v).transposed(1, 2), probabilities)
  }
}
