import AtomicFiles

/// Errors from drawing or writing figures; each describes the problem in one line.
public enum RenderError: Error, CustomStringConvertible, Equatable {
  /// Cairo reported an error status; the string is Cairo's own message plus context.
  case cairo(String)
  /// The output file name has an extension that is not `.png`, `.pdf` or `.svg`.
  case unsupportedFormat(String)
  /// The figure description or an argument is invalid; the string says why.
  case invalidInput(String)
  /// Reading or writing a file failed; the string names the file and the reason.
  case io(String)

  public var description: String {
    switch self {
    case .cairo(let why): return "cairo error: \(why)"
    case .unsupportedFormat(let ext):
      return "unsupported figure format '\(ext)': use .png, .pdf or .svg"
    case .invalidInput(let why): return "invalid figure input: \(why)"
    case .io(let why): return "figure I/O error: \(why)"
    }
  }
}

extension RenderError {
  /// A failed atomic write of a figure as `.io`, naming the temporary file as before.
  init(_ error: AtomicWriteError) {
    switch error {
    case .write(_, let temporary, let reason): self = .io("cannot write \(temporary.path): \(reason)")
    case .rename: self = .io(error.description)
    }
  }
}
