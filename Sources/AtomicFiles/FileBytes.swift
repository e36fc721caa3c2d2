import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Plain POSIX writes whose failures carry `strerror`'s one-line reason ("No space left on
/// device", "Is a directory") instead of a Foundation error dump.
public enum FileBytes {
  /// Why a write failed, in one line.
  public struct Failure: Error, Equatable {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    /// The reason for the current `errno`.
    public static var errno: Failure { Failure(String(cString: strerror(Glibc.errno))) }

    /// The one-line reason of a Foundation file error (its POSIX cause, "No space left on
    /// device"), instead of its `NSCocoaErrorDomain ... UserInfo` dump; `fallback` otherwise.
    public init(foundation error: Error, fallback: String) {
      let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
      let code = underlying.map(\.code) ?? ((error as NSError).domain == NSPOSIXErrorDomain ? (error as NSError).code : nil)
      self.init(code.map { String(cString: strerror(Int32($0))) } ?? fallback)
    }
  }

  /// Creates `url` (which must not exist) and writes `data` to it, flushed to disk.
  public static func writeNew(_ data: Data, to url: URL) throws(Failure) {
    let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
    guard fd >= 0 else { throw Failure.errno }
    defer { close(fd) }
    try writeAll(data, to: fd)
    guard fsync(fd) == 0 else { throw Failure.errno }
  }

  /// Writes `data` to an existing character device or pipe (no temporary file, no rename).
  public static func writeStream(_ data: Data, to url: URL) throws(Failure) {
    let fd = open(url.path, O_WRONLY | O_CLOEXEC)
    guard fd >= 0 else { throw Failure.errno }
    defer { close(fd) }
    try writeAll(data, to: fd)
  }

  /// Writes every byte of `data` to `fd`, retrying short writes and EINTR.
  public static func writeAll(_ data: Data, to fd: Int32) throws(Failure) {
    var failure: Failure?
    data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
      var offset = 0
      while offset < raw.count {
        let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
        if n < 0 {
          if Glibc.errno == EINTR { continue }
          failure = .errno
          return
        }
        offset += n
      }
    }
    if let failure { throw failure }
  }
}
