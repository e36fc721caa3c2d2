import Autodiff
import Networks

/// The single entry point: explains a preprocessed batch with one method on one layer.
///
/// ```swift
/// let explainer = try CAMExplainer(model: model, method: .gradCAM)          // default layer
/// let result = try explainer.explain(batch: x, target: .groundTruth, labels: labels)
/// result.maps       // [B, H, W], normalised as pytorch-grad-cam 1.5.7
/// ```
///
/// Only what the target needs is differentiated: the forward pass records the graph from the
/// tapped layer upwards (weights are constants, never tracked), and the backward pass stops at
/// the layer. `result.backward` lists the ops whose gradient rules ran.
public final class CAMExplainer {
  /// The model explained.
  public let model: ImageClassifier
  /// The method.
  public let method: CAMMethod
  /// The resolved layer path (`nil` for rollout methods).
  public let layer: String?
  /// Masked images per forward pass in Score-CAM (pytorch-grad-cam's default 16).
  public var scoreCAMBatchSize = 16
  /// Rollout settings (rollout methods only).
  public var rollout = RolloutOptions()
  /// Images per forward/backward pass: larger batches are explained in chunks of this size
  /// and the results concatenated (bounds memory; maps do not depend on the chunking).
  public var batchSize = 32

  /// Creates an explainer.
  ///
  /// - Parameters:
  ///   - layer: a module path (negative block indices count from the end, e.g.
  ///     `blocks.-1.norm1`); `nil` uses `model.defaultCAMLayer`. Ignored by rollout methods.
  /// - Throws: ``CAMError/unknownLayer(_:suggestions:)`` with the closest paths, or
  ///   ``CAMError/unsupportedArchitecture(method:architecture:reason:)`` (e.g. rollout on a CNN).
  public init(model: ImageClassifier, method: CAMMethod, layer: String? = nil) throws {
    self.model = model
    self.method = method
    if method.needsAttention {
      guard model is VisionTransformer else {
        throw CAMError.unsupportedArchitecture(
          method: method, architecture: model.architecture,
          reason: "it reads transformer attention; use a CAM method such as gradcam for CNNs")
      }
      self.layer = nil
      return
    }
    let name = layer ?? model.defaultCAMLayer
    do {
      self.layer = try model.resolveLayer(name)
    } catch let NetworkError.unknownLayer(n, suggestions) {
      throw CAMError.unknownLayer(n, suggestions: suggestions)
    }
    if model is VisionTransformer, let l = self.layer, l.hasSuffix("attn.attn_drop") {
      throw CAMError.invalidInput(
        "layer '\(l)' holds attention probabilities, not token features; use rollout or gradrollout, or a token layer such as blocks.-1.norm1")
    }
  }

  /// Explains a batch.
  ///
  /// - Parameters:
  ///   - batch: the preprocessed input `[B, 3, H, W]` (float32).
  ///   - target: which class each map explains.
  ///   - labels: one label per image (needed for ``CAMTarget/groundTruth``).
  /// - Note: gradient methods must not be called inside `withoutGradients { }`.
  public func explain(batch: Tensor, target: CAMTarget, labels: [Int]? = nil) throws -> CAMResult {
    guard batch.rank == 4, batch.shape[0] > 0 else {
      throw CAMError.invalidInput("the batch must be [B, 3, H, W] with B > 0, got \(batch.shape)")
    }
    guard GradientMode.isEnabled || !method.usesGradients else {
      throw CAMError.invalidInput("\(method) needs gradients; do not call explain inside withoutGradients { }")
    }
    let b = batch.shape[0]
    if b > max(1, batchSize) {
      if let labels, labels.count != b {
        throw CAMError.invalidTarget("\(labels.count) labels for a batch of \(b) images")
      }
      var parts: [CAMResult] = []
      for start in stride(from: 0, to: b, by: max(1, batchSize)) {
        let end = min(b, start + max(1, batchSize))
        parts.append(try explainChunk(
          batch.slice(axis: 0, range: start..<end), target: target, labels: labels.map { Array($0[start..<end]) }))
      }
      return CAMResult(concatenating: parts)
    }
    return try explainChunk(batch, target: target, labels: labels)
  }

  private func explainChunk(_ batch: Tensor, target: CAMTarget, labels: [Int]?) throws -> CAMResult {
    let input = batch.detached().converted(to: .float32)
    let size = (input.shape[2], input.shape[3])
    if method.needsAttention { return try explainRollout(input, target: target, labels: labels, size: size) }
    let layer = self.layer!
    let grid = TokenGrid.of(model, height: size.0, width: size.1)

    var stats = BackwardStatistics()
    let context = ForwardContext(taps: [layer])
    let logits: Tensor
    var gradientsPerPass: [FeatureMaps] = []
    let passes: [[Int]]
    if method.usesGradients {
      logits = model.forward(input, context: context)
      passes = try target.classes(logits: logits.detached(), labels: labels)
      guard let a = context.captured[layer] else {
        throw CAMError.invalidInput("layer '\(layer)' was not reached by the forward pass")
      }
      for classes in passes {
        let g = try gradients(
          of: targetScore(logits, classes: classes), wrt: [a], allowUnused: true, statistics: &stats)[0]
        gradientsPerPass.append(try features(g, grid: grid, layer: layer))
      }
    } else {
      logits = withoutGradients { model.forward(input, context: context) }
      passes = try target.classes(logits: logits, labels: labels)
    }
    guard let captured = context.captured[layer] else {
      throw CAMError.invalidInput("layer '\(layer)' was not reached by the forward pass")
    }
    let a = try features(captured, grid: grid, layer: layer)

    var raws: [[Float]] = []
    switch method {
    case .gradCAM: raws = gradientsPerPass.map { ChannelCombination.gradCAM(a, $0) }
    case .gradCAMPlusPlus: raws = gradientsPerPass.map { ChannelCombination.gradCAMPlusPlus(a, $0) }
    case .xGradCAM: raws = gradientsPerPass.map { ChannelCombination.xGradCAM(a, $0) }
    case .hiResCAM: raws = gradientsPerPass.map { ChannelCombination.hiResCAM(a, $0) }
    case .layerCAM: raws = gradientsPerPass.map { ChannelCombination.layerCAM(a, $0) }
    case .eigenGradCAM: raws = gradientsPerPass.map { ChannelCombination.eigenGradCAM(a, $0) }
    case .eigenCAM:
      let raw = ChannelCombination.eigenCAM(a)
      raws = passes.map { _ in raw }
    case .scoreCAM:
      raws = ScoreCAM.rawMaps(model: model, input: input, activations: a, passes: passes, batchSize: max(1, scoreCAMBatchSize))
    case .rollout, .gradRollout:
      preconditionFailure("handled above")
    }
    return assemble(raws: raws, passes: passes, h: a.height, w: a.width, size: size, logits: logits.detached(), stats: stats)
  }

  /// Attention rollout and gradient rollout.
  private func explainRollout(_ input: Tensor, target: CAMTarget, labels: [Int]?, size: (Int, Int)) throws -> CAMResult {
    let vit = model as! VisionTransformer
    guard let grid = TokenGrid.of(model, height: size.0, width: size.1) else { preconditionFailure() }
    let depth = vit.config.depth
    var stats = BackwardStatistics()
    var raws: [[Float]] = []
    let logits: Tensor
    let passes: [[Int]]
    if method == .gradRollout {
      let taps = Set((0..<depth).map { "blocks.\($0).attn.attn_drop" })
      let context = ForwardContext(taps: taps, capturesAttention: true)
      logits = model.forward(input, context: context)
      passes = try target.classes(logits: logits.detached(), labels: labels)
      let attentions = context.attentions
      let layers = attentions.count
      for classes in passes {
        // Each block's gradient is reduced to its head-fused N x N as soon as the backward pass
        // completes it, so only one [B, heads, N, N] gradient is alive at a time.
        var fused = [[[Double]]](repeating: [], count: layers)
        try forEachGradient(
          of: targetScore(logits, classes: classes), wrt: attentions, allowUnused: true, statistics: &stats
        ) { j, g in
          // vit-explain pairs forward block l with backward-ordered gradient l, i.e. block L-1-l.
          let l = rollout.vitExplainCompatible ? layers - 1 - j : j
          fused[l] = AttentionRollout.gradientWeighted(attentions[l], g)
        }
        raws.append(AttentionRollout.rawMaps(
          blocks: layers, options: rollout, prefixTokens: grid.prefixTokens, protectCLS: !rollout.vitExplainCompatible
        ) { l in
          defer { fused[l] = [] }
          return fused[l]
        })
      }
    } else {
      // Heads are fused as each block runs: only one [B, 1, N, N] per block is kept (at 3601
      // tokens, ViT-S/8 at 480, 52 MB per block instead of 311 MB for its six heads).
      let fusion = rollout.headFusion
      let context = ForwardContext(capturesAttention: true) { AttentionRollout.fusedHeads($0, fusion: fusion) }
      logits = withoutGradients { model.forward(input, context: context) }
      passes = try target.classes(logits: logits, labels: labels)
      let raw = AttentionRollout.rawMaps(
        attentions: context.attentions, gradients: nil, options: rollout, prefixTokens: grid.prefixTokens)
      raws = passes.map { _ in raw }
    }
    return assemble(raws: raws, passes: passes, h: grid.rows, w: grid.columns, size: size, logits: logits.detached(), stats: stats)
  }

  /// A captured activation or gradient as channels-first maps.
  private func features(_ t: Tensor, grid: TokenGrid?, layer: String) throws -> FeatureMaps {
    if t.rank == 4 { return FeatureMaps(t.detached().converted(to: .float32)) }
    if let grid { return try grid.featureMaps(t, layer: layer) }
    throw CAMError.invalidInput("layer '\(layer)' outputs shape \(t.shape); CAM methods need [B, C, h, w] feature maps")
  }

  /// Interleaves passes image-major, normalises, and packs the result.
  private func assemble(
    raws: [[Float]], passes: [[Int]], h: Int, w: Int, size: (Int, Int), logits: Tensor, stats: BackwardStatistics
  ) -> CAMResult {
    let b = passes[0].count, k = passes.count, n = h * w
    var raw: [Float] = []
    raw.reserveCapacity(b * k * n)
    var images: [Int] = [], classes: [Int] = []
    for i in 0..<b {
      for r in 0..<k {
        raw += raws[r][(i * n)..<((i + 1) * n)]
        images.append(i)
        classes.append(passes[r][i])
      }
    }
    let maps = CAMScaling.normalise(raw: raw, batch: b * k, height: h, width: w, to: size)
    return CAMResult(
      method: method, layer: layer, maps: maps, rawMaps: Tensor(shape: [b * k, h, w], scalars: raw),
      imageIndices: images, targetClasses: classes, logits: logits,
      probabilities: withoutGradients { softmax(logits, axis: 1) }, backward: stats)
  }
}
