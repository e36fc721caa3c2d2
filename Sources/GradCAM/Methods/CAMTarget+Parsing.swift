extension CAMTarget {
  /// Parses a target as CLI users type it: `label` / `ground-truth` / `gt`, `predicted` /
  /// `pred`, a class index (`281` or `class:281`), or `top3` / `top-3` / `topk:3`.
  public init(parsing text: String) throws {
    let key = text.lowercased().filter { $0 != "-" && $0 != "_" && $0 != " " }
    switch key {
    case "label", "labels", "groundtruth", "gt", "truth": self = .groundTruth; return
    case "predicted", "prediction", "pred", "top1": self = .predicted; return
    default: break
    }
    if let c = Int(key) ?? (key.hasPrefix("class:") ? Int(key.dropFirst(6)) : nil), c >= 0 {
      self = .classIndex(c)
      return
    }
    for prefix in ["topk:", "topk", "top"] where key.hasPrefix(prefix) {
      if let k = Int(key.dropFirst(prefix.count)), k >= 1 {
        self = k == 1 ? .predicted : .topK(k)
        return
      }
    }
    throw CAMError.invalidTarget(
      "unknown target '\(text)'; use label (ground truth), predicted, a class index such as 281, or top3")
  }
}
