import Autodiff

/// Which class each image's map explains.
///
/// The score differentiated is the raw logit of the target class (no softmax), summed over the
/// batch so one backward pass serves every image, as pytorch-grad-cam's `ClassifierOutputTarget`.
public enum CAMTarget: Sendable, Equatable, CustomStringConvertible {
  /// The ground-truth label of each image (``CAMExplainer/explain(batch:target:labels:)`` needs
  /// `labels`).
  case groundTruth
  /// The model's top-1 class for each image (pytorch-grad-cam's default).
  case predicted
  /// The same class for every image.
  case classIndex(Int)
  /// The `k` most probable classes of each image: `k` maps per image, image-major (image 0's
  /// ranks 1...k first). One backward pass per rank.
  case topK(Int)

  public var description: String {
    switch self {
    case .groundTruth: return "ground truth"
    case .predicted: return "predicted"
    case .classIndex(let c): return "class \(c)"
    case .topK(let k): return "top-\(k)"
    }
  }

  /// The target classes as `passes[r][b]`: the class of image `b` in backward pass `r`.
  ///
  /// - Parameters:
  ///   - logits: `[B, classes]`.
  ///   - labels: one label per image, for ``groundTruth``.
  func classes(logits: Tensor, labels: [Int]?) throws -> [[Int]] {
    let (b, c) = (logits.shape[0], logits.shape[1])
    let values = logits.scalars
    func ranked(_ i: Int) -> [Int] {
      let row = Array(values[(i * c)..<((i + 1) * c)])
      // Higher logit first, lower index first on ties (argmax picks the first maximum).
      return row.indices.sorted { row[$0] != row[$1] ? row[$0] > row[$1] : $0 < $1 }
    }
    switch self {
    case .groundTruth:
      guard let labels else { throw CAMError.invalidTarget("the ground-truth target needs a label per image") }
      guard labels.count == b else {
        throw CAMError.invalidTarget("\(labels.count) labels for a batch of \(b) images")
      }
      if let bad = labels.first(where: { $0 < 0 || $0 >= c }) {
        throw CAMError.invalidTarget("label \(bad) is outside the model's \(c) classes")
      }
      return [labels]
    case .predicted:
      return [(0..<b).map { ranked($0)[0] }]
    case .classIndex(let k):
      guard k >= 0 && k < c else { throw CAMError.invalidTarget("class \(k) is outside the model's \(c) classes (0..<\(c))") }
      return [[Int](repeating: k, count: b)]
    case .topK(let k):
      guard k >= 1 && k <= c else { throw CAMError.invalidTarget("top-k needs 1 <= k <= \(c), got \(k)") }
      let orders = (0..<b).map(ranked)
      return (0..<k).map { r in orders.map { $0[r] } }
    }
  }
}

/// `Σ_b logits[b, classes[b]]`: the scalar one backward pass differentiates.
func targetScore(_ logits: Tensor, classes: [Int]) -> Tensor {
  let (b, c) = (logits.shape[0], logits.shape[1])
  var mask = [Float](repeating: 0, count: b * c)
  for (i, k) in classes.enumerated() { mask[i * c + k] = 1 }
  return (logits * Tensor(shape: [b, c], scalars: mask)).sum()
}
