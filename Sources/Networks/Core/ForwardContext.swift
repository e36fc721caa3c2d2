import Autodiff

/// What a forward pass should expose besides its output, and what it exposed.
///
/// A pass's context travels with the task (``current``, set by
/// ``Network/forward(_:context:)``), so modules are called with their input alone. Every module
/// taps its output under its PyTorch path (e.g. `layer4` or `blocks.11.norm1`). A tapped
/// module's output is kept in ``captured`` and is part of the graph, so
/// `gradients(of:wrt:)` can differentiate a score with respect to it. Recording starts at the
/// first tapped module: nothing below it is recorded or differentiated.
///
/// A context belongs to one pass at a time (it is not safe to share between concurrent passes).
public final class ForwardContext: @unchecked Sendable {
  /// The context of the pass running on this task: a plain inference pass when none is set.
  @TaskLocal public static var current = ForwardContext()

  /// Module paths whose outputs to capture.
  public let taps: Set<String>
  /// Whether to capture every block's attention probabilities (ViTs).
  public let capturesAttention: Bool
  /// Whether layers run in training mode (batch statistics in batch norm).
  public let training: Bool
  /// Captured outputs by module path.
  public private(set) var captured: [String: Tensor] = [:]
  /// Attention probabilities `[B, heads, tokens, tokens]`, one per block, in block order (as
  /// `attentionTransform` returns them, when there is one).
  public private(set) var attentions: [Tensor] = []
  /// Updated batch-norm running statistics from a training pass, by parameter name.
  public internal(set) var updatedBuffers: [String: Tensor] = [:]

  /// Applied to each block's attention before it is kept in ``attentions`` (e.g. fusing the
  /// heads, so a pass at many tokens does not hold every head of every block).
  public let attentionTransform: ((Tensor) -> Tensor)?

  /// Creates a context.
  public init(
    taps: Set<String> = [], capturesAttention: Bool = false, training: Bool = false,
    attentionTransform: ((Tensor) -> Tensor)? = nil
  ) {
    self.taps = taps
    self.capturesAttention = capturesAttention
    self.training = training
    self.attentionTransform = attentionTransform
  }

  /// Returns `x`, captured (and made differentiable) when `path` is tapped.
  public func tap(_ path: String, _ x: Tensor) -> Tensor {
    guard taps.contains(path) else { return x }
    // A tensor already in the graph is kept as is so gradients through it stay complete; the
    // first tap of a pass starts the graph.
    let t = x.isTracked ? x : x.tracked()
    captured[path] = t
    return t
  }

  /// Keeps a block's attention probabilities (already tapped like any module output, so
  /// gradient rollout can differentiate with respect to them) when attention is captured.
  /// Public for models built outside this module (imported graphs).
  public func recordAttention(_ probabilities: Tensor) {
    if capturesAttention { attentions.append(attentionTransform.map { $0(probabilities) } ?? probabilities) }
  }
}
