import Foundation

/// Why ``AtomicWrite`` failed. The temporary file has been removed in both cases; callers wrap
/// this in their own error type and message.
public enum AtomicWriteError: Error, CustomStringConvertible, Equatable {
  /// The temporary file could not be written (folder missing or read-only, disk full, ...).
  case write(destination: URL, temporary: URL, reason: String)
  /// The finished temporary file could not be renamed onto the destination.
  case rename(destination: URL, temporary: URL, reason: String)

  /// `cannot write DEST: reason` or `cannot rename TEMP to DEST: reason`.
  public var description: String {
    switch self {
    case .write(let destination, _, let reason): return "cannot write \(destination.path): \(reason)"
    case .rename(let destination, let temporary, let reason):
      return "cannot rename \(temporary.path) to \(destination.path): \(reason)"
    }
  }
}
