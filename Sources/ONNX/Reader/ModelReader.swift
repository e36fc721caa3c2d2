import Foundation
import SwiftProtobuf

/// An ONNX file read and checked: the graph's nodes in execution order, its initializers and
/// its image input and logits output.
struct ModelReader {
  /// The opsets of the default domain this importer implements.
  static let opsets = 11...21

  let path: String
  let nodes: [GraphNode]
  let initializers: [String: Value]
  let inputName: String
  /// The input's declared shape; nil for symbolic dimensions.
  let inputDims: [Int?]
  let outputName: String
  let opset: Int
  let graphName: String

  /// Reads and checks `url`: parse, opset, every size against `limits`, every value produced
  /// once before it is read (cycles and missing initializers are errors), supported operators.
  init(url: URL, limits: ONNXLimits) throws {
    path = url.path
    let fail = { (problem: String) in ONNXError(file: url.path, problem) }
    let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
    guard let size = (attributes?[.size] as? NSNumber)?.intValue else { throw fail("no such file") }
    guard size <= limits.maxFileBytes else { throw fail("the file is \(size) bytes (limit \(limits.maxFileBytes))") }
    var model: Onnx_ModelProto
    do {
      // The file's bytes live only while they are parsed.
      guard let data = try? Data(contentsOf: url) else { throw fail("cannot read the file") }
      var options = BinaryDecodingOptions()
      options.messageDepthLimit = 64
      model = try Onnx_ModelProto(serializedBytes: data, options: options)
    } catch let error as ONNXError {
      throw error
    } catch {
      throw fail("not an ONNX model (the protobuf does not decode: \(error))")
    }
    guard model.hasGraph, !model.graph.node.isEmpty else { throw fail("not an ONNX model (it has no graph nodes)") }
    let defaultOpset = model.opsetImport.first { $0.domain.isEmpty || $0.domain == "ai.onnx" }
    guard let version = defaultOpset?.version else { throw fail("the model imports no ai.onnx opset") }
    guard Self.opsets.contains(Int(clamping: version)) else {
      throw fail("opset \(version) is not supported (this importer reads opsets \(Self.opsets.lowerBound) to \(Self.opsets.upperBound); re-export with opset_version in that range)")
    }
    opset = Int(version)
    // The initializers leave the parsed model, and each one's bytes are released once decoded,
    // so the file's weights are not held twice while they are read.
    var tensors = model.graph.initializer
    model.graph.initializer = []
    let graph = model.graph
    graphName = graph.name
    guard graph.node.count <= limits.maxNodes else {
      throw fail("the graph has \(graph.node.count) nodes (limit \(limits.maxNodes))")
    }
    do {
      let reader = TensorData(folder: url.deletingLastPathComponent(), limits: limits)
      var initializers: [String: Value] = [:]
      for i in tensors.indices {
        initializers[tensors[i].name] = try reader.value(tensors[i])
        tensors[i] = Onnx_TensorProto()
      }
      self.initializers = initializers
      let inputs = graph.input.filter { initializers[$0.name] == nil }
      guard inputs.count == 1, let input = inputs.first else {
        throw GraphError("the graph has \(inputs.count) inputs besides its initializers; an image classifier has one ([N, 3, H, W])")
      }
      inputName = input.name
      let dims = input.type.tensorType.shape.dim.map { d -> Int? in d.dimValue > 0 ? Int(clamping: d.dimValue) : nil }
      guard dims.count == 4 else {
        throw GraphError("input '\(input.name)' has rank \(dims.count); an image classifier takes [N, 3, H, W]")
      }
      try limits.check(shape: dims.map { $0 ?? 1 }, "input '\(input.name)'")
      inputDims = dims
      guard let output = graph.output.first else { throw GraphError("the graph has no output") }
      outputName = output.name
      let nodes = graph.node.map {
        GraphNode(opType: $0.opType, domain: $0.domain, name: $0.name, inputs: $0.input, outputs: $0.output,
                  attributes: Dictionary($0.attribute.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a }),
                  scope: ModuleScope.path(ofNode: $0.name, metadata: $0.metadataProps))
      }
      try Operators.checkSupported(nodes)
      self.nodes = try Self.executionOrder(nodes, available: Set(initializers.keys).union([inputName]), output: outputName)
    } catch let error as GraphError {
      throw fail(error.message)
    }
  }

  /// The nodes sorted so every value is produced before it is read (Kahn's algorithm).
  static func executionOrder(_ nodes: [GraphNode], available: Set<String>, output: String) throws -> [GraphNode] {
    var producer: [String: Int] = [:]
    for (i, node) in nodes.enumerated() {
      for o in node.outputs where !o.isEmpty {
        guard producer[o] == nil, !available.contains(o) else {
          throw GraphError("value '\(o)' is produced twice (node \(node.label))")
        }
        producer[o] = i
      }
    }
    var waiting = [Int](repeating: 0, count: nodes.count)
    var readers = [[Int]](repeating: [], count: nodes.count)
    for (i, node) in nodes.enumerated() {
      for name in Set(node.inputs) where !name.isEmpty && !available.contains(name) {
        guard let p = producer[name] else {
          throw GraphError("node \(node.label) reads '\(name)', which no initializer, input or node produces")
        }
        waiting[i] += 1
        readers[p].append(i)
      }
    }
    guard producer[output] != nil else { throw GraphError("no node produces the graph output '\(output)'") }
    // A queue seeded in file order: a file that is already sorted keeps its order.
    var queue = (0..<nodes.count).filter { waiting[$0] == 0 }
    var head = 0
    while head < queue.count {
      let i = queue[head]
      head += 1
      for r in readers[i] {
        waiting[r] -= 1
        if waiting[r] == 0 { queue.append(r) }
      }
    }
    let order = queue.map { nodes[$0] }
    guard order.count == nodes.count else {
      let stuck = (0..<nodes.count).first { waiting[$0] > 0 }.map { nodes[$0].label } ?? "?"
      throw GraphError("the graph has a cycle (node \(stuck) depends on its own output)")
    }
    return order
  }
}
