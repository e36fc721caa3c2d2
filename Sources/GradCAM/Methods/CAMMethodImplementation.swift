/// One CAM method: its names, what it needs, and how it turns a chunk of images into raw maps.
///
/// A method is one file: a type conforming to this protocol (and, for callers' convenience, a
/// static ``CAMMethod`` constant beside it), plus its line in ``CAMMethod/allCases``.
protocol CAMMethodImplementation: Sendable {
  /// The name users type (`gradcam`): the method's ``CAMMethod/rawValue``.
  var name: String { get }
  /// Other accepted names; parsing ignores case, `-`, `_` and spaces in them.
  var aliases: [String] { get }
  /// Whether the method backpropagates a target score.
  var usesGradients: Bool { get }
  /// Whether the method reads attention probabilities (Vision Transformers only) instead of a layer.
  var needsAttention: Bool { get }
  /// Whether the method's map depends on the target class.
  var isClassSpecific: Bool { get }

  /// The raw maps of one chunk (see ``CAMRequest`` for the shared forward and backward passes).
  func rawMaps(_ request: CAMRequest) throws -> CAMRawMaps
}

extension CAMMethodImplementation {
  var aliases: [String] { [] }
  var needsAttention: Bool { false }
  var isClassSpecific: Bool { true }
}
