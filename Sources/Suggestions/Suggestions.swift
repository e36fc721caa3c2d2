/// "Did you mean ...?" for names users type: corruptions, layers, models, profiles, classes.
/// Every suggestion goes through ``closestMatches(to:in:limit:maxDistance:)``, so one rule decides
/// what counts as close.

/// Levenshtein distance between two strings (insertions, deletions, substitutions).
public func editDistance(_ a: String, _ b: String) -> Int {
  let x = Array(a), y = Array(b)
  if x.isEmpty { return y.count }
  if y.isEmpty { return x.count }
  var prev = Array(0...y.count)
  var cur = prev
  for i in 1...x.count {
    cur[0] = i
    for j in 1...y.count {
      cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
    }
    swap(&prev, &cur)
  }
  return prev[y.count]
}

/// The candidates closest to `text`, nearest first, at most `limit` of them, each within
/// `maxDistance` edits (default: a third of the text's length, at least 3). A candidate that
/// contains the text (or is contained in it) counts as distance 1.
public func closestMatches(to text: String, in candidates: [String], limit: Int = 1, maxDistance: Int? = nil) -> [String] {
  let bound = maxDistance ?? max(3, text.count / 3)
  let lowered = text.lowercased()
  var scored: [(name: String, distance: Int)] = []
  for c in candidates {
    let lc = c.lowercased()
    var d = editDistance(lowered, lc)
    if lowered.count >= 3 && (lc.contains(lowered) || lowered.contains(lc)) { d = min(d, 1) }
    if d <= bound { scored.append((c, d)) }
  }
  scored.sort { $0.distance != $1.distance ? $0.distance < $1.distance : $0.name < $1.name }
  return scored.prefix(limit).map(\.name)
}
