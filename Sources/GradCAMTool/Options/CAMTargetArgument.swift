import ArgumentParser
import GradCAM
import Suggestions

/// `--target`: `pred` (the prediction), `label` (the `--label` class), a class index or a class
/// name (as `explain --label` takes: `cat`, `borzoi`, case-insensitive). Whether an index or name
/// is a class of the model is known once the model is loaded (`resolve`).
struct CAMTargetArgument: ExpressibleByArgument, CustomStringConvertible {
  enum Choice: Equatable {
    case predicted, label
    case classIndex(Int)
    /// Neither a keyword nor an integer: a class name to look up in the model's names.
    case className(String)
  }

  let text: String
  let choice: Choice

  init(argument: String) {
    text = argument
    switch argument {
    case "pred": choice = .predicted
    case "label": choice = .label
    default: choice = Int(argument).map { .classIndex($0) } ?? .className(argument)
    }
  }

  var description: String { text }

  /// The target for a model whose classes are `classNames`; `label` is the `--label` given, if any.
  func resolve(classNames: [String], label: Int?) throws -> CAMTarget {
    switch choice {
    case .predicted: return .predicted
    case .label:
      guard label != nil else { throw CLIError("--target label needs --label N") }
      return .groundTruth
    case .classIndex(let n) where classNames.indices.contains(n): return .classIndex(n)
    case .classIndex:
      throw CLIError("--target must be pred, label or a class index in 0..<\(classNames.count), got '\(text)'")
    case .className(let name):
      if let i = classNames.firstIndex(where: { $0.lowercased() == name.lowercased() }) { return .classIndex(i) }
      let hint = closestMatches(to: name, in: classNames).first.map { "; did you mean '\($0)'?" } ?? ""
      throw CLIError("--target '\(name)' is not a class name of this model\(hint) (or give pred, label or a class index in 0..<\(classNames.count))")
    }
  }
}
