import Foundation
import Suggestions

/// Why a zoo model could not be fetched or verified. Each description is one line.
public enum ZooError: Error, CustomStringConvertible, Equatable {
  /// No zoo or bundled model has this name.
  case unknownModel(String, known: [String])
  /// The server could not be reached at all (no network, DNS failure, refused connection).
  case offline(file: String, url: String, destination: String, reason: String)
  /// The server answered with an HTTP error status.
  case httpStatus(Int, url: String)
  /// The connection ended before the whole file arrived; the `.part` file is kept for resuming.
  case truncated(file: String, received: Int64, expected: Int64?, partPath: String)
  /// The file's SHA-256 does not match what the publisher published; nothing was kept.
  case hashMismatch(file: String, expected: String, actual: String)
  /// A file system operation failed.
  case io(String)

  public var description: String {
    switch self {
    case .unknownModel(let name, let known):
      let hint = closestMatches(to: name, in: known).first.map { "; did you mean '\($0)'?" } ?? ""
      return "unknown model '\(name)'\(hint); known: \(known.joined(separator: ", ")) (`gradcam models` lists them); for a checkpoint file give --arch NAME"
    case .offline(let file, let url, let destination, let reason):
      return "cannot download \(file) (\(reason)); this machine seems to be offline: download \(url) on a machine with internet and place it by hand at \(destination) (the file name must stay \(file)), then run again"
    case .httpStatus(let status, let url):
      return "download failed: HTTP \(status) from \(url)"
    case .truncated(let file, let received, let expected, let part):
      let of = expected.map { " of \($0)" } ?? ""
      return "download of \(file) stopped after \(received)\(of) bytes; the partial file \(part) is kept and the next run resumes it"
    case .hashMismatch(let file, let expected, let actual):
      return "\(file): SHA-256 \(actual) does not match the published \(expected); the download was deleted (a corrupted or substituted file)"
    case .io(let why):
      return why
    }
  }
}
