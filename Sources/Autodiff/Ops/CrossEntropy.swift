// Cross-entropy of logits against integer class labels (`torch.nn.functional.cross_entropy`),
// built from logSoftmax and gather so its gradient comes from their rules.

/// How per-sample losses are combined.
public enum LossReduction: String, Sendable, CaseIterable {
  /// The mean over samples (PyTorch's default).
  case mean
  /// The sum over samples.
  case sum
  /// One loss per sample, shape `[N]`.
  case none
}

/// Cross-entropy between `logits` `[N, C]` and class `labels`, as
/// `torch.nn.functional.cross_entropy(logits, labels, reduction=, label_smoothing=)` (no class
/// weights, no ignore_index).
///
/// Per sample, `loss = (1 - eps) * -log p[label] + eps * mean_c(-log p[c])` with
/// `p = softmax(logits)` and `eps = labelSmoothing`.
///
/// - Parameters:
///   - logits: unnormalised scores `[N, C]`.
///   - labels: `N` class indices in `0..<C`.
///   - reduction: `.mean` (default), `.sum` or `.none` (shape `[N]`).
///   - labelSmoothing: `eps` in `[0, 1]`.
/// - Returns: a scalar, or `[N]` for `.none`.
public func crossEntropy(
  _ logits: Tensor, labels: [Int], reduction: LossReduction = .mean, labelSmoothing: Double = 0
) -> Tensor {
  precondition(logits.rank == 2, "crossEntropy: logits must be [N, C], got \(logits.shape)")
  let (n, c) = (logits.shape[0], logits.shape[1])
  precondition(labels.count == n, "crossEntropy: \(labels.count) labels for \(n) samples")
  precondition(labels.allSatisfy { $0 >= 0 && $0 < c }, "crossEntropy: a label is outside 0..<\(c)")
  precondition(labelSmoothing >= 0 && labelSmoothing <= 1, "crossEntropy: labelSmoothing must be in [0, 1]")
  let logp = logSoftmax(logits, axis: 1)
  var perSample = -gather(logp, axis: 1, indices: labels, shape: [n, 1]).reshaped([n])
  if labelSmoothing > 0 {
    let smooth = -logp.mean(alongAxes: [1])
    perSample = perSample * (1 - labelSmoothing) + smooth * labelSmoothing
  }
  switch reduction {
  case .none: return perSample
  case .sum: return perSample.sum()
  case .mean: return perSample.mean()
  }
}
