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
/// The method computes the raw maps (see ``CAMMethod``); the explainer checks the input, splits
/// large batches, and normalises and packs the maps. Only what the target needs is
/// differentiated: the forward pass records the graph from the tapped layer upwards (weights
/// are constants, never tracked), and the backward pass stops at the layer.
/// `result.backward` lists the ops whose gradient rules ran.
public final class CAMExplainer {
  /// The model explained.
  public let model: ImageClassifier
  /// The method.
  public let method: CAMMethod
  /// The resolved layer path (`nil` for rollout methods).
  public let layer: String?
  /// Masked images per forward pass in Score-CAM (pytorch-grad-cam's default 16).
  public var scoreCAMBatchSize = 16
  /// Called with (masked images done, total) after each Score-CAM forward pass of a chunk (one
  /// masked image per channel per image), for progress on slow runs; other methods do not call it.
  public var scoreCAMProgress: ((Int, Int) -> Void)?
  /// Rollout settings (rollout methods only).
  public var rollout = RolloutOptions()
  /// Images per forward/backward pass: larger batches are explained in chunks of this size (or
  /// of the model's fixed ``InputSpec/batch``) and the results concatenated (bounds memory; maps
  /// do not depend on the chunking).
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
      guard TokenGrid.of(model, height: model.input.height, width: model.input.width) != nil else {
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
    let b = batch.shape[0], step = model.input.imagesPerPass(batchSize)
    if b > step {
      if let labels, labels.count != b {
        throw CAMError.invalidTarget("\(labels.count) labels for a batch of \(b) images")
      }
      var parts: [CAMResult] = []
      for start in stride(from: 0, to: b, by: step) {
        let end = min(b, start + step)
        parts.append(try explainChunk(
          batch.slice(axis: 0, range: start..<end), target: target, labels: labels.map { Array($0[start..<end]) }))
      }
      return CAMResult(concatenating: parts)
    }
    return try explainChunk(batch, target: target, labels: labels)
  }

  private func explainChunk(_ batch: Tensor, target: CAMTarget, labels: [Int]?) throws -> CAMResult {
    let request = CAMRequest(
      model: model, input: batch.detached().converted(to: .float32), target: target, labels: labels, layer: layer,
      scoreCAMBatchSize: max(1, scoreCAMBatchSize), scoreCAMProgress: scoreCAMProgress, rollout: rollout)
    return assemble(try method.implementation.rawMaps(request), size: request.size)
  }

  /// Interleaves passes image-major, normalises, and packs the result.
  private func assemble(_ computed: CAMRawMaps, size: (Int, Int)) -> CAMResult {
    let (raws, passes, h, w) = (computed.raws, computed.passes, computed.height, computed.width)
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
      imageIndices: images, targetClasses: classes, logits: computed.logits,
      probabilities: withoutGradients { softmax(computed.logits, axis: 1) }, backward: computed.backward)
  }
}
