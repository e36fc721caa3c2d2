// A trainable tensor with identity, so optimisers can keep per-parameter state.

/// A named, mutable tensor updated by an optimiser.
///
/// The stored `value` is a plain (untracked) tensor. A training step tracks it, computes a loss,
/// asks for gradients and hands them to an optimiser:
///
/// ```swift
/// let xs = params.map { $0.value.tracked() }
/// let loss = model(xs, batch)
/// optimizer.step(params, gradients: try gradients(of: loss, wrt: xs))
/// ```
public final class Parameter: CustomStringConvertible {
  /// A name for messages (e.g. `"fc1.weight"`).
  public let name: String
  /// The current value; optimisers replace it on each step.
  public var value: Tensor {
    didSet { value = value.detached() }
  }

  /// Creates a parameter; any graph attached to `value` is dropped.
  public init(name: String, value: Tensor) {
    self.name = name
    self.value = value.detached()
  }

  public var description: String { "Parameter(\(name), \(value.dtype)\(value.shape))" }
}

/// Checks that gradients match their parameters (shared by the optimisers).
func checkStep(_ op: String, _ params: [Parameter], _ gradients: [Tensor]) {
  precondition(params.count == gradients.count, "\(op): \(params.count) parameters but \(gradients.count) gradients")
  for (p, g) in zip(params, gradients) {
    precondition(p.value.shape == g.shape, "\(op): gradient of \(p.name) has shape \(g.shape), expected \(p.value.shape)")
  }
}
