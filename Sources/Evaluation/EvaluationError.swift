import Foundation

/// Errors of the evaluation library.
public enum EvaluationError: Error, CustomStringConvertible, Equatable {
  case io(String)
  case format(String)
  case mismatch(String)
  case incomplete(String)

  public var description: String {
    switch self {
    case .io(let s), .format(let s), .mismatch(let s), .incomplete(let s): return s
    }
  }
}
