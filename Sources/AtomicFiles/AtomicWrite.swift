import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Atomic file output, the one implementation every module uses: the bytes go to a temporary file
/// in the destination's folder, which is then renamed onto the destination (`rename(2)`, atomic
/// on POSIX). Readers never see a partial file, a failure leaves any old file intact, and the
/// temporary file is removed when writing or renaming fails.
///
/// Temporary files are named `.<name>.<pid>.<uuid>.tmp`, so that a later run can tell the
/// leftovers of a killed process (``isStaleTemporaryFile(_:)``) from files a live process is
/// still writing.
public enum AtomicWrite {
  /// Writes `data` to `url` atomically.
  /// - Throws: ``AtomicWriteError`` naming the step that failed; the temporary file is gone.
  public static func write(_ data: Data, to url: URL) throws(AtomicWriteError) {
    let temporary = temporaryURL(for: url)
    do {
      try data.write(to: temporary, options: [.withoutOverwriting])
    } catch {
      try? FileManager.default.removeItem(at: temporary)  // a partial temporary file (disk full, ...)
      throw AtomicWriteError.write(destination: url, temporary: temporary, reason: error.localizedDescription)
    }
    if rename(temporary.path, url.path) != 0 {
      let reason = String(cString: strerror(errno))
      try? FileManager.default.removeItem(at: temporary)
      throw AtomicWriteError.rename(destination: url, temporary: temporary, reason: reason)
    }
  }

  /// Writes `text` as UTF-8 to `url` atomically.
  public static func write(_ text: String, to url: URL) throws(AtomicWriteError) {
    try write(Data(text.utf8), to: url)
  }

  /// A fresh temporary file name beside `url`: `.<name>.<pid>.<uuid>.tmp`.
  static func temporaryURL(for url: URL) -> URL {
    url.deletingLastPathComponent().appendingPathComponent(
      ".\(url.lastPathComponent).\(getpid()).\(UUID().uuidString).tmp")
  }

  /// Whether `name` is a temporary file of ``write(_:to:)-(Data,_)`` left by a process that no
  /// longer exists (killed while writing). Such files can be deleted.
  public static func isStaleTemporaryFile(_ name: String) -> Bool {
    guard name.hasPrefix("."), name.hasSuffix(".tmp") else { return false }
    let parts = name.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count >= 5, let pid = Int32(parts[parts.count - 3]), pid > 0,
      UUID(uuidString: String(parts[parts.count - 2])) != nil
    else { return false }
    return pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH
  }
}
