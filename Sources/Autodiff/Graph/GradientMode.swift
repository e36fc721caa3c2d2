/// Whether operations on tracked tensors are recorded for differentiation.
///
/// Recording is on by default and scoped per task/thread: ``withoutGradients(_:)`` turns it off
/// for pure inference, so nothing is recorded and no intermediate values are kept.
public enum GradientMode {
  @TaskLocal static var isRecording = true

  /// Whether recording is currently on.
  public static var isEnabled: Bool { isRecording }
}

/// Runs `body` with gradient recording off: results are plain values with no graph.
public func withoutGradients<R>(_ body: () throws -> R) rethrows -> R {
  try GradientMode.$isRecording.withValue(false, operation: body)
}

extension Tensor {
  /// Attaches a graph node to `value` when recording is on and some input is tracked.
  ///
  /// `pullback` receives the output gradient and which inputs need one; it must not capture the
  /// returned tensor (that would make a reference cycle), only `value` or the inputs.
  /// Whether an op on `inputs` would be recorded (so a forward pass can skip what only its
  /// backward rule needs, such as max pooling's argmax).
  static func willRecord(_ inputs: Tensor...) -> Bool {
    GradientMode.isRecording && inputs.contains(where: { $0.node != nil })
  }

  static func recorded(
    _ value: Tensor, op: String, inputs: [Tensor],
    pullback: @escaping (Tensor, [Bool]) -> [Tensor?]
  ) -> Tensor {
    guard inputs.contains(where: { $0.node != nil }), GradientMode.isRecording else { return value }
    var out = value
    out.node = Node(
      op: op, parents: inputs.map(\.node), shape: value.shape, dtype: value.dtype,
      pullback: pullback)
    return out
  }
}
