import Foundation

/// Errors from reading or writing images; each names the problem in one line.
public enum ImageError: Error, CustomStringConvertible, Equatable {
  /// The data is not a supported or valid image; the string says why.
  case invalid(String)
  /// The feature is not supported.
  case unsupported(String)
  /// Writing an image file failed (full disk, missing folder...); the string names the file and why.
  case write(String)

  public var description: String {
    switch self {
    case .invalid(let why): return "invalid image: \(why)"
    case .unsupported(let why): return "unsupported image: \(why)"
    case .write(let why): return why
    }
  }

  /// The same error with `prefix` (e.g. a file path) put in front of its message.
  public func prefixed(_ prefix: String) -> ImageError {
    switch self {
    case .invalid(let why): return .invalid("\(prefix): \(why)")
    case .unsupported(let why): return .unsupported("\(prefix): \(why)")
    case .write: return self
    }
  }
}
