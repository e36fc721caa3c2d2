/// Why an explanation could not be computed, in one line that says what to do.
public enum CAMError: Error, CustomStringConvertible, Equatable {
  /// The method name is not known.
  case unknownMethod(String, suggestions: [String])
  /// The layer path is not a module of the model.
  case unknownLayer(String, suggestions: [String])
  /// The method cannot run on this architecture (e.g. rollout on a CNN).
  case unsupportedArchitecture(method: CAMMethod, architecture: String, reason: String)
  /// The target needs something the call did not give (e.g. labels for ground truth).
  case invalidTarget(String)
  /// The input or an option is unusable.
  case invalidInput(String)

  public var description: String {
    switch self {
    case .unknownMethod(let n, let s):
      return "unknown CAM method '\(n)'" + didYouMean(s) + "; known: "
        + CAMMethod.allCases.map(\.rawValue).joined(separator: ", ")
    case .unknownLayer(let n, let s):
      return "unknown layer '\(n)'" + didYouMean(s) + " (see `gradcam layers` for every layer path)"
    case .unsupportedArchitecture(let m, let a, let why):
      return "\(m) cannot explain \(a): \(why)"
    case .invalidTarget(let why), .invalidInput(let why):
      return why
    }
  }
}

private func didYouMean(_ s: [String]) -> String {
  s.isEmpty ? "" : "; did you mean \(s.map { "'\($0)'" }.joined(separator: " or "))?"
}
