import ArgumentParser
import GradCAM

/// `--target`: `pred` (the prediction), `label` (the `--label` class) or a class index. Whether an
/// index is a class of the model is known once the model is loaded (`resolve`).
struct CAMTargetArgument: ExpressibleByArgument, CustomStringConvertible {
  enum Choice: Equatable {
    case predicted, label
    case classIndex(Int)
    /// Neither a keyword nor an integer.
    case invalid
  }

  let text: String
  let choice: Choice

  init(argument: String) {
    text = argument
    switch argument {
    case "pred": choice = .predicted
    case "label": choice = .label
    default: choice = Int(argument).map { .classIndex($0) } ?? .invalid
    }
  }

  var description: String { text }

  /// The target for a model of `classCount` classes; `label` is the `--label` given, if any.
  func resolve(classCount: Int, label: Int?) throws -> CAMTarget {
    switch choice {
    case .predicted: return .predicted
    case .label:
      guard label != nil else { throw CLIError("--target label needs --label N") }
      return .groundTruth
    case .classIndex(let n) where (0..<classCount).contains(n): return .classIndex(n)
    case .classIndex, .invalid:
      throw CLIError("--target must be pred, label or a class index in 0..<\(classCount), got '\(text)'")
    }
  }
}
