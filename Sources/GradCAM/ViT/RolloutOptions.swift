/// Settings of attention rollout and gradient rollout.
///
/// Per block, in forward order, for each image separately:
///
/// 1. **Fusion.** `rollout` fuses the heads of the attention probabilities `A` by ``headFusion``;
///    `gradrollout` uses `max(mean_heads(A ⊙ ∂y/∂A), 0)` with **each block's own gradient**
///    (vit-explain pairs block `l` with the gradient of block `L-1-l`, its issue #6).
/// 2. **Discard** (``discardRatio`` > 0): see ``DiscardScope``. Discarded entries become 0.
/// 3. **Residual identity.** `Â = (F + I) / 2`.
/// 4. **Row normalisation.** Each row of `Â` is divided by its own sum (vit-explain divides column
///    `j` by the sum of row `j`, its issue #16; that is only a no-op for mean fusion without
///    discard, where rows already sum to 1).
/// 5. **Accumulation.** `R = Â_L ⋯ Â_1`. The map is the class-token row of `R` over the patch
///    keys (`R[0, prefix...]`), laid out on the patch grid. Prefix tokens (DINOv2's and timm's
///    register tokens, DeiT's distillation token) are ordinary rows and columns of every
///    block's `N×N` matrix, so attention routed through them still reaches the patches in the
///    product; only their own columns of the final row are left out of the map (which is not
///    renormalised).
///
/// With mean fusion and no discard this is Abnar & Zuidema's rollout and equals Chefer et al.'s
/// `generate_rollout` baseline (start layer 0).
public struct RolloutOptions: Sendable, Equatable {
  /// How attention heads are combined (plain rollout only; gradient rollout always averages
  /// `A ⊙ ∂y/∂A` over heads, as vit-explain does).
  public enum HeadFusion: String, Sendable, CaseIterable {
    case mean, max, min
  }

  /// Which entries ``discardRatio`` counts and removes.
  public enum DiscardScope: String, Sendable, CaseIterable {
    /// Per image, the `Int(N² · ratio)` smallest entries of the fused `N×N` matrix other than
    /// the class token's attention to itself (vit-explain's intent, applied to every image of a
    /// batch instead of only the first).
    case matrix
    /// Per image and query token, the `Int(N · ratio)` smallest entries of that row.
    case row
  }

  /// Head fusion for plain rollout. Default mean.
  public var headFusion: HeadFusion
  /// Fraction of the lowest fused attention entries set to 0, in `[0, 1)`. Default 0.
  public var discardRatio: Double
  /// What the discard ratio counts. Default ``DiscardScope/matrix``.
  public var discardScope: DiscardScope
  /// Reproduce vit-explain (commit 15a81d3) instead, bugs included, for comparison: wrong-axis
  /// normalisation (column `j` divided by row sum `j`), discard over the whole matrix protecting
  /// only flat index 0 in rollout and nothing in gradient rollout, gradients paired in reverse
  /// block order, and the map divided by its maximum. Each image is processed as vit-explain
  /// would process it alone (it supports batch 1 only); the map covers the patch tokens.
  public var vitExplainCompatible: Bool

  /// Creates options.
  public init(headFusion: HeadFusion = .mean, discardRatio: Double = 0, discardScope: DiscardScope = .matrix,
              vitExplainCompatible: Bool = false) {
    self.headFusion = headFusion
    self.discardRatio = discardRatio
    self.discardScope = discardScope
    self.vitExplainCompatible = vitExplainCompatible
  }
}
