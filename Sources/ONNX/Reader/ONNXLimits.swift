/// Bounds on what an ONNX file may declare, checked before anything is allocated from it.
public struct ONNXLimits: Sendable, Equatable {
  /// Largest model file (and each external data file) in bytes.
  public var maxFileBytes: Int
  /// Largest number of elements of one tensor (initializer, constant or computed value).
  public var maxTensorElements: Int
  /// Largest size of one dimension.
  public var maxDimension: Int
  /// Largest tensor rank.
  public var maxRank: Int
  /// Largest number of graph nodes.
  public var maxNodes: Int

  /// Creates limits; the defaults admit every published ImageNet classifier.
  public init(
    maxFileBytes: Int = 8 << 30, maxTensorElements: Int = 1 << 31, maxDimension: Int = 1 << 24,
    maxRank: Int = 8, maxNodes: Int = 200_000
  ) {
    self.maxFileBytes = maxFileBytes
    self.maxTensorElements = maxTensorElements
    self.maxDimension = maxDimension
    self.maxRank = maxRank
    self.maxNodes = maxNodes
  }

  /// Checks a shape read from the file or computed by the graph.
  func check(shape: [Int], _ what: @autoclosure () -> String) throws {
    guard shape.count <= maxRank else { throw GraphError("\(what()) has rank \(shape.count) (limit \(maxRank))") }
    for d in shape where d < 0 || d > maxDimension {
      throw GraphError("\(what()) has dimension \(d) in shape \(shape) (limit 0...\(maxDimension))")
    }
    let count = Self.product(shape) ?? Int.max
    guard count <= maxTensorElements else {
      throw GraphError("\(what()) has \(count) elements in shape \(shape) (limit \(maxTensorElements))")
    }
  }

  /// The product of `dims` (sizes read from a file), nil when it overflows `Int`.
  static func product(_ dims: [Int]) -> Int? {
    if dims.contains(0) { return 0 }
    var product = 1
    for d in dims {
      let (next, overflow) = product.multipliedReportingOverflow(by: d)
      if overflow { return nil }
      product = next
    }
    return product
  }
}
