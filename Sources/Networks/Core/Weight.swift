import Autodiff

/// A parameter or buffer of a ``Module`` (PyTorch's `nn.Parameter` or registered buffer).
///
/// The value lives in the network's ``ParameterTable`` under `<module path>.<property name>`,
/// so a trainer can swap in tracked or updated values and cached derived tensors (folded batch
/// norm, packed weights) see the change.
public final class Weight {
  /// The shape the architecture needs.
  public let shape: [Int]
  /// Whether an optimiser updates it (false for buffers such as running statistics).
  public let trainable: Bool
  /// The state_dict name, assigned when the network is built.
  public private(set) var name = ""
  /// The table holding the value, assigned when the network is built.
  private(set) var table: ParameterTable!

  /// A trainable parameter.
  init(_ shape: [Int]) {
    self.shape = shape
    trainable = true
  }

  private init(buffer shape: [Int]) {
    self.shape = shape
    trainable = false
  }

  /// A buffer: stored with the weights, not trained.
  static func buffer(_ shape: [Int]) -> Weight { Weight(buffer: shape) }

  /// The current value.
  var value: Tensor { table[name] }

  func register(_ name: String, in table: ParameterTable, from source: WeightSource) {
    self.name = name
    self.table = table
    table.register(name, shape, from: source, trainable: trainable)
  }
}
