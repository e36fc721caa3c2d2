import AtomicFiles
import Foundation

/// Combines shard outputs into the output of one unsharded run.
public enum Merge {
  public struct Outcome: Sendable {
    public var meta: RunMeta
    public var rows: [EvalRow]
    /// Lines dropped from shard row files (bad checksum, torn, duplicate).
    public var dropped: Int
    public var missing: Int
    /// Shard indices with missing rows (not given, or unfinished), ascending.
    public var unfinishedShards: [Int]
    public var summary: EvalSummary
  }

  /// Reads the shard folders, checks they are shards of one run, and writes `meta.json`,
  /// `rows.csv`, `results.csv`, `summary.json` (and `cam.csv`) into `out`. Everything is derived
  /// from the rows (counts), so the result equals an unsharded run's byte for byte.
  /// - Throws: when shards disagree, a shard index repeats, two shards hold different rows for one
  ///   key, or (unless `allowIncomplete`) rows are missing: the message names the shards to rerun
  ///   and the `sbatch` command that reruns them (`SlurmArray`).
  public static func run(shards dirs: [URL], out: URL, allowIncomplete: Bool = false) throws -> Outcome {
    guard !dirs.isEmpty else { throw EvaluationError.format("merge: no shard folders given") }
    // All outputs are checked first (none may be a shard's file) and written together at the end.
    let plan = OutputPlan(inputs: dirs.flatMap { [$0.appendingPathComponent("rows.csv").path, $0.appendingPathComponent(RunMeta.fileName).path] })
    let folder = try plan.folder(out.path)
    let names = [RunMeta.fileName, "rows.csv", "results.csv", "summary.json", "cam.csv"]
    let outputs = try Dictionary(uniqueKeysWithValues: names.map { ($0, try plan.file(folder.appendingPathComponent($0).path)) })
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
    let shardCount = metas[0].shardCount
    let unfinished = Set(expected.filter { byKey[$0] == nil }.map { $0.image % shardCount }).sorted()
    if missing > 0 && !allowIncomplete {
      let notGiven = unfinished.filter { !seenShards.contains($0) }
      let partial = unfinished.filter { seenShards.contains($0) }
      let which = [notGiven.isEmpty ? nil : "not given: \(SlurmArray.indexList(notGiven))", partial.isEmpty ? nil : "unfinished: \(SlurmArray.indexList(partial))"]
      throw EvaluationError.incomplete(
        "\(missing) of \(expected.count) rows are missing, from shard(s) \(SlurmArray.indexList(unfinished)) of \(shardCount) "
          + "(\(which.compactMap { $0 }.joined(separator: "; "))); rerun them (they resume from their rows), on Slurm with the "
          + "settings of the first submission: \(SlurmArray.resubmitCommand(shards: unfinished)), then merge again "
          + "(or merge with --allow-incomplete)")
    }
    try plan.write(try base.encoded(), to: outputs[RunMeta.fileName]!)
    try plan.write(RowLog.encoded(rows), to: outputs["rows.csv"]!)
    let (summary, files) = try Report.files(meta: base, rows: rows)
    for (name, data) in files { try plan.write(data, to: outputs[name]!) }
    try plan.commit()
    return Outcome(meta: base, rows: rows, dropped: dropped, missing: missing, unfinishedShards: unfinished, summary: summary)
  }
}
