import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writes files atomically: a temporary file in the same directory, then `rename(2)`.
///
/// Readers never see a half-written figure, and a failed render leaves any old file intact.
enum AtomicFile {
  static func write(_ data: Data, to url: URL) throws {
    let dir = url.deletingLastPathComponent()
    let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UUID().uuidString).tmp")
    do {
      try data.write(to: tmp)
    } catch {
      try? FileManager.default.removeItem(at: tmp)  // a partial temporary file (disk full, ...)
      throw RenderError.io("cannot write \(tmp.path): \(error.localizedDescription)")
    }
    if rename(tmp.path, url.path) != 0 {
      let why = String(cString: strerror(errno))
      try? FileManager.default.removeItem(at: tmp)
      throw RenderError.io("cannot rename \(tmp.path) to \(url.path): \(why)")
    }
  }
}
