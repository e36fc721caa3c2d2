import Autodiff
import Networks

/// Gradient-weighted attention rollout: each block's attention weighted by the gradient of the
/// target score with respect to it (see ``AttentionRollout``), one backward pass per target pass.
struct GradientRolloutMethod: CAMMethodImplementation {
  let name = "gradrollout"
  let aliases = ["gradientrollout"]
  let usesGradients = true
  let needsAttention = true

  func rawMaps(_ request: CAMRequest) throws -> CAMRawMaps {
    let grid = try request.attentionGrid(for: .gradRollout)
    let options = request.rollout
    let taps = Set(request.model.modulePaths.filter { $0.hasSuffix(".attn.attn_drop") })
    let context = ForwardContext(taps: taps, capturesAttention: true)
    let logits = request.model.forward(request.input, context: context)
    let passes = try request.target.classes(logits: logits.detached(), labels: request.labels)
    let attentions = context.attentions
    let layers = attentions.count
    var stats = BackwardStatistics()
    var raws: [[Float]] = []
    for classes in passes {
      // Each block's gradient is reduced to its head-fused N x N as soon as the backward pass
      // completes it, so only one [B, heads, N, N] gradient is alive at a time.
      var fused = [[[Double]]](repeating: [], count: layers)
      try forEachGradient(
        of: targetScore(logits, classes: classes), wrt: attentions, allowUnused: true, statistics: &stats
      ) { j, g in
        // vit-explain pairs forward block l with backward-ordered gradient l, i.e. block L-1-l.
        let l = options.vitExplainCompatible ? layers - 1 - j : j
        fused[l] = AttentionRollout.gradientWeighted(attentions[l], g)
      }
      raws.append(AttentionRollout.rawMaps(
        blocks: layers, options: options, prefixTokens: grid.prefixTokens, protectCLS: !options.vitExplainCompatible
      ) { l in
        defer { fused[l] = [] }
        return fused[l]
      })
    }
    return CAMRawMaps(
      raws: raws, passes: passes, height: grid.rows, width: grid.columns, logits: logits.detached(), backward: stats)
  }
}

extension CAMMethod {
  /// Gradient-weighted attention rollout, ViT only.
  public static let gradRollout = CAMMethod(GradientRolloutMethod())
}
