/// A problem with an ONNX model file: one line naming the file and the problem.
public struct ONNXError: Error, CustomStringConvertible, Equatable {
  /// The model file's path.
  public let file: String
  /// What is wrong, without the file name.
  public let problem: String

  /// Creates an error.
  public init(file: String, _ problem: String) {
    self.file = file
    self.problem = problem
  }

  public var description: String { "\(file): \(problem)" }
}

/// A problem found while reading or running one part of a graph; the loader adds the file name.
struct GraphError: Error {
  let message: String
  init(_ message: String) { self.message = message }
}
