/// Every operator the importer runs, by ONNX op type (default domain).
enum Operators {
  static let table: [String: Operator] = ElementwiseOperators.table
    .merging(ShapeOperators.table) { a, _ in a }
    .merging(ConvolutionOperators.table) { a, _ in a }
    .merging(NormalizationOperators.table) { a, _ in a }
    .merging(ResizeOperators.table) { a, _ in a }

  /// The implementation of `node`: a file's operator, or one load-time fusion wrote.
  static func implementation(_ node: GraphNode) -> Operator? {
    table[node.qualifiedType] ?? FusedOperators.table[node.qualifiedType]
  }

  /// The supported operator types, sorted.
  static var supported: [String] { table.keys.sorted() }

  /// Throws one error listing every unsupported operator type of `nodes` with its count.
  static func checkSupported(_ nodes: [GraphNode]) throws {
    var missing: [String: Int] = [:]
    for node in nodes where table[node.qualifiedType] == nil { missing[node.qualifiedType, default: 0] += 1 }
    // Einsum runs only the equations attention uses.
    for node in nodes where node.qualifiedType == "Einsum" {
      if case .failure(let error) = Result(catching: { try ConvolutionOperators.einsumEquation(node) }) {
        missing["\((error as? GraphError)?.message ?? "Einsum")", default: 0] += 1
      }
    }
    guard !missing.isEmpty else { return }
    let list = missing.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value))" }.joined(separator: ", ")
    throw GraphError("unsupported operators: \(list)")
  }
}
