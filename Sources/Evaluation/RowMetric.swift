import GradCAM

/// A per-image number of `rows.csv` that `plot` and `table` can aggregate per corruption and
/// severity: the attention shift of `evaluate --cam` (``AttentionShift``'s names).
public enum RowMetric: String, CaseIterable, Sendable {
  case rankCorr = "rank_corr"
  case topIoU = "top_iou"
  case centerShift = "center_shift"
  case entropyChange = "entropy_change"

  /// The value of `row`, nil when the row has none (clean rows, runs without `--cam`).
  public func value(_ row: EvalRow) -> Double? {
    guard let s = row.shift else { return nil }
    switch self {
    case .rankCorr: return s.rankCorrelation
    case .topIoU: return s.topIoU
    case .centerShift: return s.centerShift
    case .entropyChange: return s.entropyChange
    }
  }

  /// Axis label.
  public var label: String {
    switch self {
    case .rankCorr: return "rank correlation with clean map"
    case .topIoU: return "top-20% IoU with clean map"
    case .centerShift: return "centre-of-mass shift (px)"
    case .entropyChange: return "entropy change (bits)"
    }
  }

  /// What produces it (for messages).
  public var producer: String { "evaluate --cam" }
}
