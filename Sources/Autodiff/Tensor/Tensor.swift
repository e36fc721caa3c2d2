/// An N-dimensional array of `Float` or `Double` with value semantics.
///
/// Elements are stored contiguously in row-major (C) order in a copy-on-write array, so copying a
/// tensor is cheap and mutation never affects other copies. A tensor computed from a *tracked*
/// tensor (see ``tracked()``) remembers how it was computed, so ``gradients(of:wrt:seed:allowUnused:)``
/// can differentiate through it; all other tensors are plain values with no graph cost.
public struct Tensor: CustomStringConvertible {
  /// The size of each dimension, outermost first. `[]` is a scalar.
  public let shape: [Int]
  /// The elements, row-major.
  public internal(set) var storage: TensorStorage
  /// The graph node that produced this tensor, if it was recorded.
  var node: Node?

  /// Creates a tensor from storage; the element count must match the shape.
  public init(shape: [Int], storage: TensorStorage) {
    let n = Shape.count(shape)
    precondition(
      storage.count == n,
      "Tensor: \(storage.count) elements do not fill shape \(shape) (\(n) elements)")
    self.shape = shape
    self.storage = storage
    self.node = nil
  }

  /// Creates a float32 tensor.
  public init(shape: [Int], scalars: [Float]) {
    self.init(shape: shape, storage: .float32(scalars))
  }

  /// Creates a float64 tensor.
  public init(shape: [Int], doubles: [Double]) {
    self.init(shape: shape, storage: .float64(doubles))
  }

  /// Creates a tensor of the given type from scalars of any `TensorScalar` type.
  public init<T: TensorScalar>(shape: [Int], array: [T]) {
    self.init(shape: shape, storage: T.wrap(array))
  }

  /// The element type.
  public var dtype: DType { storage.dtype }
  /// Number of dimensions.
  public var rank: Int { shape.count }
  /// Number of elements.
  public var count: Int { storage.count }

  /// The elements as Float (converted from Double if needed).
  public var scalars: [Float] {
    switch storage {
    case .float32(let a): return a
    case .float64(let a): return a.map { Float($0) }
    }
  }

  /// The elements as Double (converted from Float if needed).
  public var doubles: [Double] {
    switch storage {
    case .float32(let a): return a.map { Double($0) }
    case .float64(let a): return a
    }
  }

  /// The single element of a one-element tensor, as Double.
  public var item: Double {
    precondition(count == 1, "Tensor.item: tensor of shape \(shape) has \(count) elements, not 1")
    return doubles[0]
  }

  /// Elements as the given scalar type; the tensor must already be of that type.
  func array<T: TensorScalar>(_: T.Type) -> [T] { T.unwrap(storage) }

  /// Whether this tensor is part of a recorded graph (tracked, or computed from a tracked tensor).
  public var isTracked: Bool { node != nil }

  /// This tensor as a leaf of the graph: tensors computed from it are recorded, and it can be
  /// passed as a `wrt` target to ``gradients(of:wrt:seed:allowUnused:)``.
  public func tracked() -> Tensor {
    var t = self
    t.node = Node(leafShape: shape, dtype: dtype)
    return t
  }

  /// This tensor's values without any graph: nothing computed from it is recorded.
  public func detached() -> Tensor {
    var t = self
    t.node = nil
    return t
  }

  /// The same values converted to another element type (differentiable).
  public func converted(to dtype: DType) -> Tensor {
    if dtype == self.dtype { return self }
    let value: Tensor
    switch dtype {
    case .float32: value = Tensor(shape: shape, scalars: scalars)
    case .float64: value = Tensor(shape: shape, doubles: doubles)
    }
    let from = self.dtype
    return Tensor.recorded(value, op: "convert", inputs: [self]) { g, _ in [g.converted(to: from)] }
  }

  public var description: String {
    let values = count <= 16 ? doubles.map { "\($0)" }.joined(separator: ", ") : "\(count) elements"
    return "Tensor<\(dtype)>\(shape)[\(values)]"
  }
}
