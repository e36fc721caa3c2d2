import Evaluation
import Foundation
import ToolTestSupport
import XCTest

/// `gradcam merge` refuses an incomplete set of shards, naming the shards to rerun and the `sbatch`
/// command of the documented array script that reruns them; `--allow-incomplete` merges anyway.
final class MergeIncompleteTests: XCTestCase {
  private var dir: URL!

  override func setUpWithError() throws { dir = try BuiltTool.temporaryDirectory(prefix: "merge-incomplete") }

  override func tearDown() { if let dir { try? FileManager.default.removeItem(at: dir) } }

  /// Four shard folders of a 23-image run (clean + 2 corruptions x 2 severities), every row
  /// written; `shard(i)` is shard i's folder.
  private func writeShards() throws -> (meta: RunMeta, rows: [EvalRow]) {
    var meta = RunMeta(
      model: "toy", classes: 10, sourceKind: "imagefolder", source: "data", images: 23,
      corruptions: ["gaussian_noise", "snow"], severities: [1, 2], clean: true, seed: 0, profile: nil, cam: nil,
      baseline: nil)
    let all = meta.expectedKeys().map { k in
      EvalRow(image: k.image, corruption: k.corruption, severity: k.severity, label: k.image % 10,
              predicted: (k.image + k.severity) % 10, confidence: 0.5)
    }
    for i in 0..<4 {
      meta.shardIndex = i
      meta.shardCount = 4
      try FileManager.default.createDirectory(at: shard(i), withIntermediateDirectories: true)
      try meta.write(to: shard(i))
      try RowLog(url: shard(i).appendingPathComponent("rows.csv")).append(all.filter { $0.image % 4 == i })
    }
    return (meta, all)
  }

  private func shard(_ i: Int) -> URL { dir.appendingPathComponent("shard\(i)") }

  /// Keeps the header and the first `count` rows of a shard's rows.csv, as a task killed midway
  /// leaves it.
  private func truncateRows(of shard: URL, to count: Int) throws {
    let url = shard.appendingPathComponent("rows.csv")
    let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").prefix(1 + count)
    try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
  }

  func testIndexListInSbatchArraySyntax() {
    XCTAssertEqual(SlurmArray.indexList([3]), "3")
    XCTAssertEqual(SlurmArray.indexList([3, 1]), "1,3")
    XCTAssertEqual(SlurmArray.indexList([5, 0, 1, 2, 2]), "0-2,5")
    XCTAssertEqual(SlurmArray.indexList([7, 8, 10, 11, 12, 63]), "7-8,10-12,63")
    XCTAssertEqual(SlurmArray.resubmitCommand(shards: [1, 3]), "sbatch --array=1,3 docs/slurm/gradcam-array.sbatch")
  }

  /// The command names the script the docs show and the Slurm CI test submits.
  func testResubmitCommandNamesTheDocumentedScript() throws {
    let script = BuiltTool.packageRoot.appendingPathComponent(SlurmArray.script)
    let text = try String(contentsOf: script, encoding: .utf8)
    XCTAssertTrue(text.contains("i=${SLURM_ARRAY_TASK_ID") && text.contains("evaluate $EVALUATE_ARGS --shard \"$i/$SHARDS\""), text)
    let doc = try String(contentsOf: BuiltTool.packageRoot.appendingPathComponent("docs/scale-out.md"), encoding: .utf8)
    XCTAssertTrue(doc.contains(SlurmArray.script))
  }

  func testMissingAndUnfinishedShardsAreRefusedWithTheResubmission() throws {
    let (_, all) = try writeShards()
    try truncateRows(of: shard(2), to: 7)
    let out = dir.appendingPathComponent("merged")
    XCTAssertThrowsError(try Merge.run(shards: [shard(0), shard(2)], out: out)) { error in
      let missing = all.filter { $0.image % 4 != 0 }.count - 7
      XCTAssertEqual(
        "\(error)",
        "\(missing) of \(all.count) rows are missing, from shard(s) 1-3 of 4 (not given: 1,3; unfinished: 2); rerun them "
          + "(they resume from their rows), on Slurm with the settings of the first submission: "
          + "sbatch --array=1-3 docs/slurm/gradcam-array.sbatch, then merge again (or merge with --allow-incomplete)")
    }
    XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "a refused merge writes nothing")

    // Every shard given, one unfinished.
    XCTAssertThrowsError(try Merge.run(shards: (0..<4).map(shard), out: out)) { error in
      XCTAssertTrue("\(error)".contains("from shard(s) 2 of 4 (unfinished: 2)"), "\(error)")
      XCTAssertTrue("\(error)".contains("sbatch --array=2 docs/slurm/gradcam-array.sbatch"), "\(error)")
    }

    let partial = try Merge.run(shards: [shard(0), shard(2)], out: out, allowIncomplete: true)
    XCTAssertEqual(partial.unfinishedShards, [1, 2, 3])
    XCTAssertEqual(partial.rows.count, all.filter { $0.image % 4 == 0 }.count + 7)
    XCTAssertFalse(partial.summary.complete)
  }

  /// The executable exits 1 with the message on one line and writes nothing; with
  /// --allow-incomplete it merges and says how many rows are missing.
  func testMergeCommandRefusesIncompleteShards() throws {
    _ = try writeShards()
    let out = dir.appendingPathComponent("merged")
    let refused = try BuiltTool.run(["merge", shard(0).path, shard(2).path, "--out", out.path])
    XCTAssertEqual(refused.status, 1, refused.stderr)
    XCTAssertEqual(refused.stderr.split(separator: "\n").count, 1, refused.stderr)
    XCTAssertTrue(refused.stderr.contains("shard(s) 1,3 of 4 (not given: 1,3)"), refused.stderr)
    XCTAssertTrue(refused.stderr.contains("sbatch --array=1,3 docs/slurm/gradcam-array.sbatch"), refused.stderr)
    XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))

    let allowed = try BuiltTool.run(["merge", shard(0).path, shard(2).path, "--out", out.path, "--allow-incomplete"])
    XCTAssertEqual(allowed.status, 0, allowed.stderr)
    XCTAssertTrue(allowed.stderr.contains("missing"), allowed.stderr)
    let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("summary.json"))) as! [String: Any]
    XCTAssertEqual(summary["complete"] as? Bool, false)
  }
}
