import GradCAM

/// A per-image number of `rows.csv` that `plot` and `table` can aggregate per corruption and
/// severity: the attention shift of `evaluate --cam` (``AttentionShift``'s names) and the
/// faithfulness of `evaluate --cam --faithfulness` (``FaithfulnessScores``' names).
public enum RowMetric: String, CaseIterable, Sendable {
  case rankCorr = "rank_corr"
  case topIoU = "top_iou"
  case centerShift = "center_shift"
  case entropyChange = "entropy_change"
  case deletionAUC = "deletion_auc"
  case insertionAUC = "insertion_auc"
  case road

  /// The value of `row`, nil when the row has none (clean rows, runs without `--cam`).
  public func value(_ row: EvalRow) -> Double? {
    switch self {
    case .deletionAUC: return row.faithfulness?.deletionAUC
    case .insertionAUC: return row.faithfulness?.insertionAUC
    case .road: return row.faithfulness?.road
    default: break
    }
    guard let s = row.shift else { return nil }
    switch self {
    case .rankCorr: return s.rankCorrelation
    case .topIoU: return s.topIoU
    case .centerShift: return s.centerShift
    case .entropyChange: return s.entropyChange
    case .deletionAUC, .insertionAUC, .road: return nil
    }
  }

  /// Axis label.
  public var label: String {
    switch self {
    case .rankCorr: return "rank correlation with clean map"
    case .topIoU: return "top-20% IoU with clean map"
    case .centerShift: return "centre-of-mass shift (px)"
    case .entropyChange: return "entropy change (bits)"
    case .deletionAUC: return "deletion AUC (lower: more faithful)"
    case .insertionAUC: return "insertion AUC (higher: more faithful)"
    case .road: return "ROAD (higher: more faithful)"
    }
  }

  /// Whether clean rows have the metric too (faithfulness is measured on every image).
  public var includesClean: Bool {
    switch self {
    case .deletionAUC, .insertionAUC, .road: return true
    default: return false
    }
  }

  /// What produces it (for messages).
  public var producer: String { includesClean ? "evaluate --cam --faithfulness" : "evaluate --cam" }
}
