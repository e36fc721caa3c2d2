import Autodiff

/// One operator application: the node, its input values (nil for an omitted optional input)
/// and the model's opset.
struct OperatorCall {
  let node: GraphNode
  let inputs: [Value?]
  let opset: Int
  /// Bounds on computed shapes.
  let limits: ONNXLimits
  /// Where constant weights are prepared once (nil while planning).
  var packs: PackedWeightCache? = nil

  /// Input `i`, which the operator requires.
  func input(_ i: Int) throws -> Value {
    guard i < inputs.count, let v = inputs[i] else { throw GraphError("\(node.opType) needs input \(i + 1)") }
    return v
  }

  /// Input `i` if given.
  func optional(_ i: Int) -> Value? { i < inputs.count ? inputs[i] : nil }

  /// Input `i` as float32 data.
  func float(_ i: Int) throws -> Tensor { try input(i).float }

  /// Input `i` prepared by `make` (a weight and its packed form), once per plan, when input `i`
  /// is a constant of the plan; nil otherwise.
  func prepared(input i: Int, _ use: String, _ make: () -> (Tensor, PackedWeights?)) -> (weight: Tensor, packed: PackedWeights?)? {
    guard let packs, i < node.inputs.count, packs.constants.contains(node.inputs[i]) else { return nil }
    return packs.entry("\(use):\(node.inputs[i])", make)
  }

  /// Integer list from attribute `key` (older opsets) or input `i` (newer ones), nil if neither.
  func integers(attribute key: String, input i: Int) -> [Int]? {
    if let v = optional(i) { return v.integers }
    return node.ints(key)
  }
}

/// An operator implementation: the call's output values, in output order.
typealias Operator = (OperatorCall) throws -> [Value]

/// The shape two operands broadcast to, or a shape-mismatch error.
func broadcastShape(_ a: [Int], _ b: [Int], _ op: String) throws -> [Int] {
  do {
    return try Shape.broadcast(a, b)
  } catch {
    throw GraphError("\(op): shapes \(a) and \(b) do not broadcast")
  }
}

/// A possibly negative axis for a tensor of rank `rank`, checked.
func normalizedAxis(_ axis: Int, rank: Int, _ op: String) throws -> Int {
  let a = axis < 0 ? axis + rank : axis
  guard a >= 0, a < Swift.max(rank, 1) else { throw GraphError("\(op): axis \(axis) is out of range for rank \(rank)") }
  return a
}
