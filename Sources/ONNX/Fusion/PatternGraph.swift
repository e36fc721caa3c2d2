import Autodiff

/// An imported graph seen by the load-time pattern fusions: who produces and who reads each
/// value, and which values are constants known at load time.
struct PatternGraph {
  let nodes: [GraphNode]
  let constants: [String: Value]
  let output: String
  private var producers: [String: Int] = [:]
  private var readers: [String: [Int]] = [:]

  init(nodes: [GraphNode], constants: [String: Value], output: String) {
    self.nodes = nodes
    self.constants = constants
    self.output = output
    for (i, node) in nodes.enumerated() {
      for o in node.outputs where !o.isEmpty { producers[o] = i }
      for name in Set(node.inputs) where !name.isEmpty { readers[name, default: []].append(i) }
    }
  }

  /// The node producing `name`, if a node does.
  func producer(_ name: String) -> Int? { producers[name] }

  /// The one node reading `name` (whose type is `type`), when exactly one node reads it and it
  /// is not the graph output: a value only the pattern uses.
  func onlyReader(_ name: String, _ type: String) -> Int? {
    guard name != output, let r = readers[name], r.count == 1, nodes[r[0]].qualifiedType == type else { return nil }
    return r[0]
  }

  /// The nodes reading `name` (each once), unless it is the graph output.
  func readers(_ name: String) -> [Int]? { name == output ? nil : readers[name] }

  /// A float constant with one element.
  func scalar(_ name: String) -> Double? {
    guard let v = constants[name], !v.isInteger, v.tensor.count == 1 else { return nil }
    return v.doubles[0]
  }

  /// A float constant of rank `rank`.
  func floatConstant(_ name: String, rank: Int) -> Value? {
    guard let v = constants[name], !v.isInteger, v.rank == rank else { return nil }
    return v
  }

  /// Input `k` of `node` when it is an integer constant.
  func integerInput(_ node: GraphNode, _ k: Int) -> Value? {
    guard k < node.inputs.count, let v = constants[node.inputs[k]], v.isInteger else { return nil }
    return v
  }

  /// The node producing `name` as `Shape(x)` of a whole value `x` (start and end attributes at
  /// their defaults), with `x`.
  func shape(_ name: String) -> (node: Int, of: String)? {
    guard let s = producer(name), nodes[s].qualifiedType == "Shape", nodes[s].inputs.count == 1,
          nodes[s].int("start", default: 0) == 0, nodes[s].int("end") == nil else { return nil }
    return (s, nodes[s].inputs[0])
  }

  /// Start and end of `node` when it is a `Slice` of one range on axis 0 with step 1 (constant
  /// starts and ends; axes and steps omitted or so).
  func sliceOfFirstAxis(_ node: GraphNode) -> (start: Int, end: Int)? {
    let omittedOr = { (k: Int, value: [Int]) in
      k >= node.inputs.count || node.inputs[k].isEmpty || self.integerInput(node, k)?.integers == value
    }
    guard node.qualifiedType == "Slice", let start = integerInput(node, 1)?.integers, let end = integerInput(node, 2)?.integers,
          start.count == 1, end.count == 1, omittedOr(3, [0]), omittedOr(4, [1]) else { return nil }
    return (start[0], end[0])
  }

  /// The operand of binary node `i` that is not `name`, when exactly one operand is `name`.
  func other(_ i: Int, than name: String) -> String? {
    let inputs = nodes[i].inputs
    guard inputs.count == 2, inputs[0] != inputs[1] else { return nil }
    return inputs[0] == name ? inputs[1] : inputs[1] == name ? inputs[0] : nil
  }

  /// Whether the values the nodes `pattern` produce, other than `kept`, are read only by those
  /// nodes and none is the graph output: the pattern can go without leaving a reader behind.
  func isClosed(_ pattern: Set<Int>, keeping kept: Set<String>) -> Bool {
    pattern.allSatisfy { i in
      nodes[i].outputs.allSatisfy { o in
        o.isEmpty || kept.contains(o) || (o != output && (readers[o] ?? []).allSatisfy(pattern.contains))
      }
    }
  }

  /// Whether `a` and `b` are within `tolerance` (float32 constants of the file against exact values).
  static func close(_ a: Double?, _ b: Double, _ tolerance: Double = 1e-6) -> Bool {
    a.map { Swift.abs($0 - b) <= tolerance } ?? false
  }
}

/// One matched pattern: the nodes it replaces and the node that replaces them (named, scoped and
/// producing the value of the pattern's last node, so layer names and module paths still resolve).
struct PatternRewrite {
  let removed: [Int]
  let replacement: GraphNode

  /// `replacement` of op `type` built from the pattern's last node `last` of `graph`.
  /// `extraOutputs` follow the last node's value (values of the pattern the fused op also gives).
  init(_ graph: PatternGraph, removed: [Int], last: Int, type: String, domain: String = "", inputs: [String],
       extraOutputs: [String] = [], attributes: [String: Onnx_AttributeProto] = [:]) {
    self.removed = removed
    let node = graph.nodes[last]
    replacement = GraphNode(opType: type, domain: domain, name: node.name, inputs: inputs,
                            outputs: [node.outputs.first ?? ""] + extraOutputs, attributes: attributes, scope: node.scope)
  }

  /// An integer attribute.
  static func int(_ name: String, _ value: Int) -> Onnx_AttributeProto {
    var a = Onnx_AttributeProto()
    a.name = name
    a.type = .int
    a.i = Int64(value)
    return a
  }

  /// A float attribute.
  static func float(_ name: String, _ value: Double) -> Onnx_AttributeProto {
    var a = Onnx_AttributeProto()
    a.name = name
    a.type = .float
    a.f = Float(value)
    return a
  }
}
