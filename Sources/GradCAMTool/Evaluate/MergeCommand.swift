import ArgumentParser
import Evaluation
import Foundation

/// `gradcam merge`: shard folders of one `evaluate` run into one result.
struct MergeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "merge",
    abstract: "Combine the shard folders of a sharded evaluate run into the result of one run.",
    discussion: """
      Rows are unioned (checksums verified, torn lines dropped) and every output is recomputed \
      from counts, so the merged results.csv and summary.json equal an unsharded run's byte for \
      byte. Fails when shards disagree or rows are missing (unless --allow-incomplete): the message \
      names the shards to rerun and the sbatch command that reruns them with the documented array \
      script (docs/slurm/gradcam-array.sbatch).
      """)

  @Argument(help: "Shard output folders (from evaluate --shard i/N --out ...).")
  var shards: [String]

  @Option(name: .shortAndLong, help: ArgumentHelp("Output folder.", valueName: "dir"))
  var out: String

  @Flag(help: "Write results even when rows are missing (summary.json says complete: false).")
  var allowIncomplete = false

  @Flag(help: "No summary line on stderr.")
  var quiet = false

  func run() throws {
    let outcome = try Merge.run(
      shards: shards.map { URL(fileURLWithPath: $0) }, out: URL(fileURLWithPath: out), allowIncomplete: allowIncomplete)
    if !quiet {
      FileHandle.standardError.write(
        "merged \(shards.count) shard(s): \(outcome.rows.count) rows"
          + "\(outcome.missing > 0 ? ", \(outcome.missing) missing (shards \(SlurmArray.indexList(outcome.unfinishedShards)) unfinished)" : "")"
          + "\(outcome.dropped > 0 ? ", \(outcome.dropped) torn line(s) dropped" : "") -> \(out)\n")
    }
  }
}
