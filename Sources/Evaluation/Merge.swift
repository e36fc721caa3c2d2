import Foundation

/// Combines shard outputs into the output of one unsharded run.
public enum Merge {
  public struct Outcome: Sendable {
    public var meta: RunMeta
    public var rows: [EvalRow]
    /// Lines dropped from shard row files (bad checksum, torn, duplicate).
    public var dropped: Int
    public var missing: Int
    public var summary: EvalSummary
  }

  /// Reads the shard folders, checks they are shards of one run, and writes `meta.json`,
  /// `rows.csv`, `results.csv`, `summary.json` (and `cam.csv`) into `out`. Everything is derived
  /// from the rows (counts), so the result equals an unsharded run's byte for byte.
  /// - Throws: when shards disagree, a shard index repeats, two shards hold different rows for one
  ///   key, or (unless `allowIncomplete`) rows are missing.
  public static func run(shards dirs: [URL], out: URL, allowIncomplete: Bool = false) throws -> Outcome {
    guard !dirs.isEmpty else { throw EvaluationError.format("merge: no shard folders given") }
    let metas = try dirs.map(RunMeta.read)
    let base = metas[0].unsharded
    var seenShards = Set<Int>()
    for (dir, m) in zip(dirs, metas) {
      guard m.unsharded == base else {
        throw EvaluationError.mismatch("\(dir.path) is a different run from \(dirs[0].path) (model, data, corruptions, severities, seed, CAM, baseline or batch size differ)")
      }
      guard m.shardCount == metas[0].shardCount else {
        throw EvaluationError.mismatch("\(dir.path) is shard \(m.shardIndex)/\(m.shardCount) but \(dirs[0].path) has \(metas[0].shardCount) shards")
      }
      guard seenShards.insert(m.shardIndex).inserted else {
        throw EvaluationError.mismatch("shard \(m.shardIndex)/\(m.shardCount) is given twice (\(dir.path))")
      }
    }
    var byKey: [RowKey: EvalRow] = [:]
    var dropped = 0
    for (dir, m) in zip(dirs, metas) {
      let url = dir.appendingPathComponent("rows.csv")
      guard FileManager.default.fileExists(atPath: url.path) else { continue }
      let read = try RowLog.read(url)
      dropped += read.dropped
      let mine = Set(m.expectedKeys())
      for r in read.rows where mine.contains(r.key) {
        if let old = byKey[r.key] {
          guard old == r else { throw EvaluationError.mismatch("two different rows for image \(r.image) \(r.corruption) s\(r.severity)") }
        } else {
          byKey[r.key] = r
        }
      }
    }
    let expected = base.expectedKeys()
    let rows = expected.compactMap { byKey[$0] }
    let missing = expected.count - rows.count
    if missing > 0 && !allowIncomplete {
      let absent = Set(0..<metas[0].shardCount).subtracting(seenShards).sorted()
      throw EvaluationError.incomplete(
        "\(missing) of \(expected.count) rows are missing"
          + (absent.isEmpty ? " (resume the unfinished shards)" : " (shards \(absent.map { "\($0)/\(metas[0].shardCount)" }.joined(separator: ", ")) not given)"))
    }
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    try base.write(to: out)
    try RowLog.writeAtomically(rows, to: out.appendingPathComponent("rows.csv"))
    let summary = try Report.write(meta: base, rows: rows, to: out)
    return Outcome(meta: base, rows: rows, dropped: dropped, missing: missing, summary: summary)
  }
}
