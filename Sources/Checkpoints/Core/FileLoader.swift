import AtomicFiles
import Foundation

/// Reads whole files, memory-mapped when possible (tensor bytes are then copied only once,
/// when materialised).
enum FileLoader {
  static func read(_ url: URL) throws -> Data {
    do throws(FileBytes.Failure) { return try InputFile.read(url, mapped: true) } catch {
      throw CheckpointError.io("cannot read \(url.path): \(error.reason)")
    }
  }
}
