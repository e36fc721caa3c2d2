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
/// A destination that is a symbolic link is written through to the link's target (the link
/// stays); a character device or a pipe (`/dev/stdout`, a FIFO) is written directly, since it
/// cannot be renamed onto. Several outputs of one run go through ``OutputPlan``.
///
/// Temporary files are named `.<name>.<pid>.<uuid>.tmp`, so that a later run can tell the
/// leftovers of a killed process (``isStaleTemporaryFile(_:)``) from files a live process is
/// still writing.
public enum AtomicWrite {
  /// Writes `data` to `url` atomically.
  /// - Throws: ``AtomicWriteError`` naming the step that failed; the temporary file is gone.
  public static func write(_ data: Data, to url: URL) throws(AtomicWriteError) {
    let destination: OutputLocation
    do { destination = try OutputLocation(url) } catch {
      throw AtomicWriteError.write(destination: url, temporary: url, reason: error.reason)
    }
    if destination.isStream {
      do { try FileBytes.writeStream(data, to: destination.resolved) } catch {
        throw AtomicWriteError.write(destination: url, temporary: destination.resolved, reason: error.reason)
      }
      return
    }
    let temporary = try stage(data, for: destination.resolved)
    try commit(temporary, to: destination.resolved)
  }

  /// Writes `text` as UTF-8 to `url` atomically.
  public static func write(_ text: String, to url: URL) throws(AtomicWriteError) {
    try write(Data(text.utf8), to: url)
  }

  /// Writes `data` to a fresh temporary file beside `destination` (a resolved regular-file
  /// path) and returns it; a partial temporary file is removed on failure.
  static func stage(
    _ data: Data, for destination: URL, writer: (Data, URL) throws(FileBytes.Failure) -> Void = FileBytes.writeNew
  ) throws(AtomicWriteError) -> URL {
    let temporary = temporaryURL(for: destination)
    do { try writer(data, temporary) } catch {
      unlink(temporary.path)  // a partial temporary file (disk full, ...)
      throw AtomicWriteError.write(destination: destination, temporary: temporary, reason: error.reason)
    }
    return temporary
  }

  /// Renames `temporary` onto `destination`; the temporary file is removed on failure.
  static func commit(_ temporary: URL, to destination: URL) throws(AtomicWriteError) {
    if rename(temporary.path, destination.path) != 0 {
      let reason = String(cString: strerror(errno))
      unlink(temporary.path)
      throw AtomicWriteError.rename(destination: destination, temporary: temporary, reason: reason)
    }
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
