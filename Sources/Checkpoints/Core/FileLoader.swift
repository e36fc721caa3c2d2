import Foundation

/// Reads whole files, memory-mapped when possible (tensor bytes are then copied only once,
/// when materialised).
enum FileLoader {
  static func read(_ url: URL) throws -> Data {
    do {
      let size = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue ?? 0
      if size == 0 { return Data() }  // mmap of an empty file fails on Linux
      return try Data(contentsOf: url, options: .alwaysMapped)
    } catch {
      throw CheckpointError.io("cannot read \(url.path): \(error.localizedDescription)")
    }
  }
}
