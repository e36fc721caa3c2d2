import Autodiff
import Networks

/// Attention rollout (Abnar & Zuidema 2020) of a Vision Transformer's attention, with the
/// request's ``RolloutOptions``. Gradient-free and the same for every target.
struct RolloutMethod: CAMMethodImplementation {
  let name = "rollout"
  let aliases = ["attentionrollout"]
  let usesGradients = false
  let needsAttention = true
  let isClassSpecific = false

  func rawMaps(_ request: CAMRequest) throws -> CAMRawMaps {
    let grid = try request.attentionGrid(for: .rollout)
    // Heads are fused as each block runs: only one [B, 1, N, N] per block is kept (at 3601
    // tokens, ViT-S/8 at 480, 52 MB per block instead of 311 MB for its six heads).
    let fusion = request.rollout.headFusion
    let context = ForwardContext(capturesAttention: true) { AttentionRollout.fusedHeads($0, fusion: fusion) }
    let logits = withoutGradients { request.model.forward(request.input, context: context) }
    let passes = try request.target.classes(logits: logits, labels: request.labels)
    let raw = AttentionRollout.rawMaps(
      attentions: context.attentions, gradients: nil, options: request.rollout, prefixTokens: grid.prefixTokens)
    return CAMRawMaps(
      raws: passes.map { _ in raw }, passes: passes, height: grid.rows, width: grid.columns, logits: logits.detached(),
      backward: BackwardStatistics())
  }
}

extension CAMMethod {
  /// Attention rollout (Abnar & Zuidema 2020), ViT only.
  public static let rollout = CAMMethod(RolloutMethod())
}
