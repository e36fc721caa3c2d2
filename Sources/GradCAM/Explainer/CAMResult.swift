import Autodiff

/// The maps of one ``CAMExplainer/explain(batch:target:labels:)`` call.
///
/// Maps are ordered image-major: for ``CAMTarget/topK(_:)`` with `k` classes, map
/// `i * k + r` is image `i`'s rank-`r` class; otherwise map `i` belongs to image `i`.
public struct CAMResult {
  /// The method that made the maps.
  public let method: CAMMethod
  /// The resolved layer path (`nil` for rollout, which reads every block's attention).
  public let layer: String?
  /// Normalised maps `[M, H, W]` (float32, in `[0, 1)`) at the input size, post-processed
  /// exactly as pytorch-grad-cam (see ``CAMScaling``).
  public let maps: Tensor
  /// Raw maps `[M, h, w]` at feature (or patch-grid) resolution, before ReLU and any
  /// normalisation: comparable in magnitude across images and corruptions.
  public let rawMaps: Tensor
  /// The image each map belongs to.
  public let imageIndices: [Int]
  /// The class each map explains (for class-agnostic methods: the target class anyway, so
  /// callers can report it).
  public let targetClasses: [Int]
  /// Logits `[B, classes]` of the unmodified batch.
  public let logits: Tensor
  /// Softmax probabilities `[B, classes]`.
  public let probabilities: Tensor
  /// What the backward passes computed (empty for gradient-free methods).
  public let backward: BackwardStatistics

  /// Creates a result (normally made by ``CAMExplainer``).
  public init(
    method: CAMMethod, layer: String?, maps: Tensor, rawMaps: Tensor, imageIndices: [Int], targetClasses: [Int],
    logits: Tensor, probabilities: Tensor, backward: BackwardStatistics
  ) {
    self.method = method
    self.layer = layer
    self.maps = maps
    self.rawMaps = rawMaps
    self.imageIndices = imageIndices
    self.targetClasses = targetClasses
    self.logits = logits
    self.probabilities = probabilities
    self.backward = backward
  }

  /// The results of consecutive chunks of one batch, as one result (image indices shifted).
  public init(concatenating parts: [CAMResult]) {
    precondition(!parts.isEmpty, "CAMResult: nothing to concatenate")
    var images: [Int] = [], classes: [Int] = []
    var offset = 0
    var stats = BackwardStatistics()
    for p in parts {
      images += p.imageIndices.map { $0 + offset }
      classes += p.targetClasses
      offset += p.logits.shape[0]
      stats.ops += p.backward.ops
      stats.inputGradients += p.backward.inputGradients
    }
    self.init(
      method: parts[0].method, layer: parts[0].layer, maps: concat(parts.map(\.maps), axis: 0),
      rawMaps: concat(parts.map(\.rawMaps), axis: 0), imageIndices: images, targetClasses: classes,
      logits: concat(parts.map(\.logits), axis: 0), probabilities: concat(parts.map(\.probabilities), axis: 0),
      backward: stats)
  }

  /// Number of maps.
  public var count: Int { imageIndices.count }

  /// The top-1 class of each image.
  public var predictedClasses: [Int] {
    let (b, c) = (logits.shape[0], logits.shape[1])
    let v = logits.scalars
    return (0..<b).map { i in (0..<c).max { v[i * c + $0] < v[i * c + $1] || (v[i * c + $0] == v[i * c + $1] && $0 > $1) }! }
  }

  /// Map `m` as `[H, W]`.
  public func map(_ m: Int) -> Tensor { maps.selecting(index: m, axis: 0) }
}
