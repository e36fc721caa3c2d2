import Autodiff
import Foundation
import Networks

/// An imported graph ready to run on Autodiff ops.
///
/// For each input shape the graph is planned once: a pass without gradients marks every value
/// that does not depend on the image (weights, and shape arithmetic once the input size is fixed)
/// and keeps those values, so later passes run only the nodes that depend on the image. A pass
/// frees each value after the last node that reads it; the autodiff graph keeps what the
/// backward pass needs.
final class GraphProgram: @unchecked Sendable {
  let file: String
  let nodes: [GraphNode]
  let initializers: [String: Value]
  let inputName: String
  let outputName: String
  let opset: Int
  let limits: ONNXLimits
  /// How many patterns load-time fusion replaced, by the op that runs them (``GraphFusion``).
  let fusedPatterns: [String: Int]
  /// Module paths by the value that is each module's output (filled once planned).
  private(set) var aliases: [String: [String]] = [:]

  /// The most image-dependent values held at once during the last pass (each is freed after
  /// its last reader; the autodiff graph keeps what the backward pass needs).
  private(set) var lastPeakLiveValues = 0
  private var plans: [[Int]: Plan] = [:]
  private let lock = NSLock()

  /// What a pass at one input shape runs.
  struct Plan {
    /// Values that do not depend on the image, read by the steps.
    var constants: [String: Value]
    /// Indices of the nodes that depend on the image, in order.
    var steps: [Int]
    /// For each step, the values no later step reads (freed after it).
    var frees: [[String]]
    /// Every image-dependent float value with its shape, in production order.
    var layers: [(name: String, shape: [Int])]
    /// Convolutions whose ReLU (and residual Add) and linear layers whose residual Add run in
    /// the same pass, by step.
    var fusions: [Int: Fusion] = [:]
    /// The constant weights prepared for the GEMM kernel.
    var packs: PackedWeightCache
  }

  /// `Conv -> Relu` or `Conv -> Add -> Relu` run as one fused convolution, and a fused `Linear ->
  /// Add` (a transformer block's residual) as one linear layer adding the other operand in its
  /// store, unless a middle value is tapped.
  struct Fusion {
    /// The node the fusion runs: a convolution (with its ReLU) or a linear layer.
    enum Kind { case convolution, linear }
    let kind: Kind
    /// The steps the fused node replaces.
    let skipped: [Int]
    /// The Add's other operand, if any.
    let residual: String?
    /// The Relu's (or the linear layer's Add's) output.
    let output: String
    /// Values the fusion does not produce.
    let middle: [String]
  }

  /// - Parameter fusing: whether to fuse the decomposed patterns (``GraphFusion``); false runs
  ///   every node as the file has it.
  init(reader: ModelReader, limits: ONNXLimits, fusing: Bool = true) throws {
    file = reader.path
    var nodes = reader.nodes
    var constants = reader.initializers
    do {
      try GraphRewrites.apply(nodes: &nodes, constants: &constants, output: reader.outputName, limits: limits)
    } catch let error as GraphError {
      throw ONNXError(file: reader.path, error.message)
    }
    fusedPatterns = fusing ? GraphFusion.apply(nodes: &nodes, constants: constants, output: reader.outputName) : [:]
    // Weights the rewrites replaced (a folded convolution's original weight, batch norm
    // statistics, fused transposes) are read by no node: drop them.
    let read = Set(nodes.flatMap(\.inputs)).union([reader.outputName])
    constants = constants.filter { read.contains($0.key) }
    self.nodes = nodes
    initializers = constants
    inputName = reader.inputName
    outputName = reader.outputName
    opset = reader.opset
    self.limits = limits
  }

  /// The plan for `shape`, made on first use.
  func plan(for shape: [Int]) throws -> Plan {
    lock.lock()
    let cached = plans[shape]
    lock.unlock()
    if let cached { return cached }
    let plan = try makePlan(shape)
    lock.lock()
    plans[shape] = plan
    lock.unlock()
    return plan
  }

  /// How many nodes of the plan for `shape` run fused with the nodes after them, by the fused
  /// node's type (`Conv`: its ReLU, or residual Add and ReLU; `Linear`: its residual Add).
  func runtimeFusions(for shape: [Int]) throws -> [String: Int] {
    var counts: [String: Int] = [:]
    for fusion in try plan(for: shape).fusions.values { counts[fusion.kind == .convolution ? "Conv" : "Linear", default: 0] += 1 }
    return counts
  }

  /// The number of weights prepared for the GEMM kernel over all plans.
  var preparedWeightCount: Int {
    lock.lock()
    defer { lock.unlock() }
    return plans.values.reduce(0) { $0 + $1.packs.count }
  }

  /// Records which values are module outputs, from a plan's layers (the module's last node that
  /// produces an image-dependent float value).
  func assignModulePaths(_ plan: Plan) {
    let dynamic = Set(plan.layers.map(\.name))
    var owner: [String: String] = [:]
    for i in plan.steps {
      let node = nodes[i]
      guard let out = node.outputs.first, dynamic.contains(out), let scope = node.scope, !scope.isEmpty else { continue }
      for k in 1...scope.count { owner[scope[..<k].joined(separator: ".")] = out }
    }
    var aliases: [String: [String]] = [:]
    for (path, value) in owner where path != value { aliases[value, default: []].append(path) }
    self.aliases = aliases.mapValues { $0.sorted { ($0.count, $0) < ($1.count, $1) } }
  }

  private func makePlan(_ shape: [Int]) throws -> Plan {
    var values: [String: Value] = initializers
    values[inputName] = Value(Tensor.zeros(shape))
    var isStatic = Set(initializers.keys)
    var steps: [Int] = []
    var layers: [(name: String, shape: [Int])] = []
    // Image-dependent values are dropped after their last reader here too (only constants are kept).
    var lastReader: [String: Int] = [:]
    var kinds: [String: (shape: [Int], isInteger: Bool)] = initializers.mapValues { ($0.shape, $0.isInteger) }
    for (i, node) in nodes.enumerated() { for name in node.inputs where !name.isEmpty { lastReader[name] = i } }
    try withoutGradients {
      for (i, node) in nodes.enumerated() {
        let outputs = try execute(node, inputs: node.inputs.map { $0.isEmpty ? nil : values[$0] })
        let foldable = node.qualifiedType == "Shape" || node.qualifiedType == "Size"
          || node.inputs.allSatisfy { $0.isEmpty || isStatic.contains($0) }
        for (name, v) in zip(node.outputs, outputs) where !name.isEmpty {
          kinds[name] = (v.shape, v.isInteger)
          if foldable { isStatic.insert(name) } else if !v.isInteger { layers.append((name, v.shape)) }
          // An image-dependent value no node reads (a fused attention's probabilities) is not kept.
          if foldable || lastReader[name] != nil || name == outputName { values[name] = v }
        }
        if !foldable { steps.append(i) }
        for name in Set(node.inputs) where !name.isEmpty && lastReader[name] == i && !isStatic.contains(name) && name != outputName {
          values[name] = nil
        }
      }
    }
    // Constants the steps read, and each value's last reader.
    var constants: [String: Value] = [:]
    var lastUse: [String: Int] = [:]
    for (s, i) in steps.enumerated() {
      for name in nodes[i].inputs where !name.isEmpty {
        if isStatic.contains(name) { constants[name] = values[name] } else { lastUse[name] = s }
      }
    }
    if isStatic.contains(outputName) { constants[outputName] = values[outputName] }
    var frees = [[String]](repeating: [], count: steps.count)
    for (name, s) in lastUse where name != outputName { frees[s].append(name) }
    // Values no step reads are freed after the step that makes them.
    for (s, i) in steps.enumerated() {
      frees[s] += nodes[i].outputs.filter { !$0.isEmpty && lastUse[$0] == nil && $0 != outputName }
    }
    var plan = Plan(constants: constants, steps: steps, frees: frees, layers: layers, packs: PackedWeightCache(constants: Set(constants.keys)))
    plan.fusions = fusions(steps: steps, kinds: kinds)
    return plan
  }

  private func fusions(steps: [Int], kinds: [String: (shape: [Int], isInteger: Bool)]) -> [Int: Fusion] {
    var readers: [String: [Int]] = [:], producer: [String: Int] = [:]
    for (s, i) in steps.enumerated() { for name in nodes[i].outputs { producer[name] = s } }
    for (s, i) in steps.enumerated() { for name in Set(nodes[i].inputs) where !name.isEmpty { readers[name, default: []].append(s) } }
    /// The one step reading `name`, when exactly one does and it is not the graph output.
    func onlyReader(_ name: String) -> Int? {
      guard name != outputName, let r = readers[name], r.count == 1 else { return nil }
      return r[0]
    }
    var fusions: [Int: Fusion] = [:]
    for (s, i) in steps.enumerated() where nodes[i].qualifiedType == "Conv" {
      guard let out = nodes[i].outputs.first, let t = onlyReader(out) else { continue }
      let next = nodes[steps[t]]
      if next.qualifiedType == "Relu" {
        fusions[s] = Fusion(kind: .convolution, skipped: [t], residual: nil, output: next.outputs[0], middle: [out])
      } else if next.qualifiedType == "Add", next.inputs.count == 2, let u = onlyReader(next.outputs[0]),
                nodes[steps[u]].qualifiedType == "Relu" {
        let other = next.inputs[0] == out ? next.inputs[1] : next.inputs[0]
        // The residual must exist when the convolution runs.
        guard other != out, let a = kinds[out], let b = kinds[other], a.shape == b.shape, !b.isInteger,
              (producer[other].map { $0 < s } ?? true) else { continue }
        fusions[s] = Fusion(kind: .convolution, skipped: [t, u], residual: other, output: nodes[steps[u]].outputs[0],
                            middle: [out, next.outputs[0]])
      }
    }
    // A linear layer's residual Add: its other operand added in the GEMM's store (the same sums
    // in the same order as the Add after it; ViT-S runs 24 of them).
    for (s, i) in steps.enumerated() where nodes[i].qualifiedType == "\(FusedOperators.domain).Linear" {
      guard let out = nodes[i].outputs.first, let t = onlyReader(out) else { continue }
      let next = nodes[steps[t]]
      guard next.qualifiedType == "Add", next.inputs.count == 2 else { continue }
      let other = next.inputs[0] == out ? next.inputs[1] : next.inputs[0]
      guard other != out, let a = kinds[out], let b = kinds[other], a.shape == b.shape, !a.isInteger, !b.isInteger,
            (producer[other].map { $0 < s } ?? true) else { continue }
      fusions[s] = Fusion(kind: .linear, skipped: [t], residual: other, output: next.outputs[0], middle: [out])
    }
    return fusions
  }

  /// Runs one node, turning its problems into errors that name it.
  func execute(_ node: GraphNode, inputs: [Value?], packs: PackedWeightCache? = nil) throws -> [Value] {
    guard let op = Operators.implementation(node) else {
      throw ONNXError(file: file, "unsupported operators: \(node.qualifiedType) (1)")
    }
    return try naming(node) {
      let outputs = try op(OperatorCall(node: node, inputs: inputs, opset: opset, limits: limits, packs: packs))
      guard outputs.count >= node.outputs.filter({ !$0.isEmpty }).count || outputs.count >= node.outputs.count else {
        throw GraphError("\(node.opType) produced \(outputs.count) outputs, the node names \(node.outputs.count)")
      }
      for v in outputs { try limits.check(shape: v.shape, "its output") }
      return outputs
    }
  }

  /// `body`, with an operator's ``GraphError`` turned into the file's one-line error naming
  /// `node` (as op `type`, the node's own by default).
  private func naming<R>(_ node: GraphNode, as type: String? = nil, _ body: () throws -> R) throws -> R {
    do {
      return try body()
    } catch let error as GraphError {
      throw ONNXError(file: file, "node \(node.label) (\(type ?? node.opType)): \(error.message)")
    }
  }

  /// Runs the graph on `x`, tapping the values `context` asks for by value name or module path
  /// and keeping attention probabilities (softmax outputs `[N, heads, T, T]`, and fused
  /// attention's) when it captures attention.
  func run(_ x: Tensor, context: ForwardContext) throws -> Tensor {
    let plan = try plan(for: x.shape)
    var values = plan.constants
    values[inputName] = Value(x.converted(to: .float32))
    var skipped = Set<Int>()
    var peak = 0
    defer {
      lock.lock()
      lastPeakLiveValues = peak
      lock.unlock()
    }
    for (s, i) in plan.steps.enumerated() {
      defer {
        peak = Swift.max(peak, values.count - plan.constants.count)
        for name in plan.frees[s] { values[name] = nil }
      }
      if skipped.contains(s) { continue }
      let node = nodes[i]
      let inputs = node.inputs.map { $0.isEmpty ? nil : values[$0] }
      if let fusion = plan.fusions[s], !fusion.middle.contains(where: { isTapped($0, context) }) {
        let call = OperatorCall(node: node, inputs: inputs, opset: opset, limits: limits, packs: plan.packs)
        let residual = fusion.residual.flatMap { values[$0]?.float }
        var y = try naming(node, as: fusion.kind == .convolution ? "Conv" : nil) {
          switch fusion.kind {
          case .convolution: try ConvolutionOperators.conv(call, residual: residual, activation: .relu)
          case .linear: try FusedOperators.linear(call, residual: residual)
          }
        }
        y.tensor = tapped(fusion.output, y.tensor, context)
        values[fusion.output] = y
        skipped.formUnion(fusion.skipped)
        continue
      }
      if node.qualifiedType == FusedAttention.qualifiedType {
        try runAttention(node, inputs: inputs, packs: plan.packs, context: context, values: &values)
        continue
      }
      let outputs = try execute(node, inputs: inputs, packs: plan.packs)
      for (name, var v) in zip(node.outputs, outputs) where !name.isEmpty {
        if !v.isInteger {
          v.tensor = tapped(name, v.tensor, context)
          if context.capturesAttention, node.qualifiedType == "Softmax", v.rank == 4, v.shape[2] == v.shape[3] {
            if !v.tensor.isTracked { v.tensor = v.tensor.tracked() }
            context.recordAttention(v.tensor)
          }
        }
        values[name] = v
      }
    }
    guard let out = values[outputName] ?? plan.constants[outputName] else { throw ONNXError(file: file, "the graph output '\(outputName)' was not computed") }
    return out.float
  }

  /// Runs a fused attention node (``FusedAttention``). Its probabilities are materialised only
  /// when the pass captures attention, and are a node of the autodiff graph (the unfused ops)
  /// when the pass may differentiate with respect to them (capturing with gradients on: gradient
  /// rollout) or taps them. No later step reads them.
  private func runAttention(
    _ node: GraphNode, inputs: [Value?], packs: PackedWeightCache, context: ForwardContext, values: inout [String: Value]
  ) throws {
    let name = node.outputs[0], probabilities = node.outputs.count > 1 ? node.outputs[1] : ""
    let captures = context.capturesAttention
    let need: FusedAttention.Probabilities
    if (!probabilities.isEmpty && isTapped(probabilities, context)) || (captures && GradientMode.isEnabled) {
      need = .node { p in
        var t = self.tapped(probabilities, p, context)
        if captures {
          if !t.isTracked { t = t.tracked() }
          context.recordAttention(t)
        }
        return t
      }
    } else {
      need = captures ? .values : .none
    }
    let output = try naming(node) {
      let result = try FusedAttention.run(OperatorCall(node: node, inputs: inputs, opset: opset, limits: limits, packs: packs), need)
      try limits.check(shape: result.output.shape, "its output")
      if need.isValues, let p = result.probabilities { context.recordAttention(p) }
      return result.output
    }
    values[name] = Value(tapped(name, output, context))
  }

  /// Whether `context` taps value `name` or a module path that names it.
  private func isTapped(_ name: String, _ context: ForwardContext) -> Bool {
    context.taps.contains(name) || (aliases[name] ?? []).contains { context.taps.contains($0) }
  }

  /// `x` tapped under its value name and module paths, as `context` asks.
  private func tapped(_ name: String, _ x: Tensor, _ context: ForwardContext) -> Tensor {
    var t = x
    if context.taps.contains(name) { t = context.tap(name, t) }
    for path in aliases[name] ?? [] where context.taps.contains(path) { t = context.tap(path, t) }
    return t
  }
}
