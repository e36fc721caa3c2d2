import Autodiff
import Foundation

/// A network's weights and buffers by PyTorch state_dict name, in registration order.
///
/// Layers keep only names and read their tensors here at forward time, so a trainer can swap in
/// tracked or updated values, and a converter can write them out unchanged.
public final class ParameterTable {
  /// Values by name.
  public private(set) var values: [String: Tensor] = [:]
  /// Names in the order the architecture registered them.
  public private(set) var names: [String] = []
  /// Names of trainable parameters (buffers such as running statistics excluded).
  public private(set) var trainable: [String] = []
  /// Bumped on every change, so values derived from the parameters know when to recompute.
  public private(set) var version = 0
  private var derivedValues: [String: (version: Int, tensors: [Tensor])] = [:]
  private var packedValues: [String: (version: Int, packed: PackedWeights?)] = [:]
  private let lock = NSLock()

  /// Creates an empty table.
  public init() {}

  /// Registers a tensor taken from `source`.
  @discardableResult
  func register(_ name: String, _ shape: [Int], from source: WeightSource, trainable isTrainable: Bool = true) -> String {
    values[name] = source.tensor(name, shape)
    names.append(name)
    if isTrainable { trainable.append(name) }
    return name
  }

  /// The value of `name`.
  public subscript(name: String) -> Tensor {
    get {
      guard let t = values[name] else { preconditionFailure("ParameterTable: no parameter '\(name)'") }
      return t
    }
    set {
      precondition(values[name] != nil, "ParameterTable: no parameter '\(name)'")
      precondition(values[name]!.shape == newValue.shape, "ParameterTable: '\(name)' must keep shape \(values[name]!.shape)")
      values[name] = newValue
      version += 1
    }
  }

  /// Tensors computed from parameters (e.g. batch norm folded into a convolution), cached until
  /// any parameter changes.
  func derived(_ key: String, _ compute: () -> [Tensor]) -> [Tensor] {
    lock.lock()
    defer { lock.unlock() }
    if let cached = derivedValues[key], cached.version == version { return cached.tensors }
    let tensors = withoutGradients { compute().map { $0.detached() } }
    derivedValues[key] = (version, tensors)
    return tensors
  }

  /// A weight packed for the GEMM kernel (nil where products do not use packed weights), cached
  /// like `derived` values until any parameter changes.
  func packed(_ key: String, _ make: () -> PackedWeights?) -> PackedWeights? {
    lock.lock()
    defer { lock.unlock() }
    if let cached = packedValues[key], cached.version == version { return cached.packed }
    let packed = make()
    packedValues[key] = (version, packed)
    return packed
  }

  /// Total number of scalars in trainable parameters.
  public var parameterCount: Int { trainable.reduce(0) { $0 + values[$1]!.count } }
}
