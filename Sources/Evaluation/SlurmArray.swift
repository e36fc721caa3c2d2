/// The documented Slurm job array (`docs/slurm/gradcam-array.sbatch`: task i runs
/// `gradcam evaluate --shard i/N`), and how to resubmit some of its tasks.
public enum SlurmArray {
  /// The array script's path in the repository.
  public static let script = "docs/slurm/gradcam-array.sbatch"

  /// Indices in `sbatch --array` syntax, runs of consecutive indices as ranges: `[5, 0, 1, 2]` is
  /// `0-2,5`.
  public static func indexList(_ indices: [Int]) -> String {
    var runs: [(first: Int, last: Int)] = []
    for i in Set(indices).sorted() {
      if let last = runs.last?.last, i == last + 1 {
        runs[runs.count - 1].last = i
      } else {
        runs.append((i, i))
      }
    }
    return runs.map { $0.first == $0.last ? "\($0.first)" : "\($0.first)-\($0.last)" }.joined(separator: ",")
  }

  /// The command that reruns the array tasks of `shards` (each resumes from its rows).
  public static func resubmitCommand(shards: [Int]) -> String { "sbatch --array=\(indexList(shards)) \(script)" }
}
