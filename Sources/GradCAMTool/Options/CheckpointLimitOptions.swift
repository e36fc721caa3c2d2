import ArgumentParser
import Checkpoints
import Foundation

/// `--max-tensor-bytes`: checkpoints with a larger tensor, storage or zip entry are refused
/// before the data is allocated (commands that read checkpoints).
struct CheckpointLimitOptions: ParsableArguments {
  @Option(help: ArgumentHelp(
    "Refuse checkpoints with a tensor, storage or zip entry of more bytes than this.",
    valueName: "N"))
  var maxTensorBytes: Int = CheckpointLimits().maxTensorBytes

  func validate() throws {
    guard maxTensorBytes >= 1 else { throw ValidationError("--max-tensor-bytes must be at least 1") }
  }

  /// The load options with the limit applied to tensors, storages and zip entries.
  var loadOptions: CheckpointLoadOptions {
    var limits = CheckpointLimits()
    limits.maxTensorBytes = maxTensorBytes
    limits.maxTensorElements = maxTensorBytes  // an element is at least one byte
    limits.maxEntryBytes = maxTensorBytes
    return CheckpointLoadOptions(limits: limits)
  }

  /// Runs `body`, adding a hint that names the flag to size-limit errors.
  func explaining<T>(_ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let error as CheckpointError {
      guard case .limitExceeded = error.underlying,
        error.description.contains("too large") || error.description.contains("declares")
      else { throw error }
      throw CLIError("\(error.description) (raise --max-tensor-bytes if the file is trusted)")
    }
  }
}
