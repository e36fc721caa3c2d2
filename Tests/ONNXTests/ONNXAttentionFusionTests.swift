import Autodiff
import AutodiffTestSupport
import Foundation
import GradCAM
import Networks
import ONNX
import XCTest

/// Fused attention (``AttentionFusion``): it fires once per block on the timm fixtures of both
/// exporters, and the fused graph gives what the graph run node by node gives (logits, Grad-CAM
/// at the default layer, rollout, gradient rollout: 1e-5); hand-written attention graphs, fused
/// or near misses left node by node, against a float64 reference written out below (1e-5).
final class ONNXAttentionFusionTests: XCTestCase {
  /// timm fixtures (TorchScript opset 17 and dynamo opset 18; 12 blocks each) and their input size.
  static let vits: [(name: String, size: Int)] = [
    ("vit_small_patch16_224", 224), ("vit_small_patch16_224_dynamo", 224),
    ("deit_small_distilled_patch16_224", 224), ("vit_small_patch14_reg4_dinov2", 112),
  ]

  func testFusesEveryBlockOfTheTimmFixtures() throws {
    for (name, size) in Self.vits {
      let model = try ONNXFixtures.model(name)
      XCTAssertEqual(model.fusedPatterns["Attention"], 12, name)
      // Rollout still finds the probabilities: the fused op gives them under the Softmax's name.
      XCTAssertTrue(model.hasAttention, name)
      let shapes = Dictionary(model.layers.map { ($0.name, $0.shape) }, uniquingKeysWith: { a, _ in a })
      let tokens = name.contains("dinov2") ? 69 : name.contains("deit") ? 198 : 197
      let softmax = name.hasSuffix("_dynamo") ? "val_64" : "/blocks/blocks.0/attn/Softmax_output_0"
      XCTAssertEqual(shapes[softmax], [1, 6, tokens, tokens], name)
      XCTAssertEqual(model.tokenLayout(height: size, width: size)?.rows, size / (name.contains("patch14") ? 14 : 16), name)
    }
  }

  /// The fused graph against the same file run node by node (`fusingPatterns: false`): the fused
  /// kernel without probabilities (logits of one image and of two, Grad-CAM through its backward
  /// pass), with them
  /// (rollout), and the unfused ops with the probabilities in the autodiff graph (gradient rollout).
  func testFusedViTEqualsNodeByNode() throws {
    for name in ["vit_small_patch16_224", "vit_small_patch16_224_dynamo"] {
      let dir = try ONNXFixtures.scratch()
      defer { try? FileManager.default.removeItem(at: dir) }
      let url = try ONNXFixtures.completed(name, in: dir)
      let fused = try ONNXClassifier(url: url), plain = try ONNXClassifier(url: url, fusingPatterns: false)
      XCTAssertEqual(plain.fusedPatterns, [:])
      let x = WeightFormula.tensor("input", [1, 3, 224, 224])
      let a = try fused.checkedForward(x), b = try plain.checkedForward(x)
      let scale = b.scalars.map { abs(Double($0)) }.max() ?? 1
      XCTAssertLessThanOrEqual(maxAbsDifference(a, b) / scale, 1e-5, name)
      // A batch of two (the heads of each image attend within it).
      let pair = concat([x, x * 0.5], axis: 0)
      XCTAssertLessThanOrEqual(maxAbsDifference(try fused.checkedForward(pair), try plain.checkedForward(pair)) / scale, 1e-5, name)
      for method in [CAMMethod.gradCAM, .rollout, .gradRollout] {
        let mapA = try CAMExplainer(model: fused, method: method).explain(batch: x, target: .predicted)
        let mapB = try CAMExplainer(model: plain, method: method).explain(batch: x, target: .predicted)
        XCTAssertEqual(mapA.targetClasses, mapB.targetClasses)
        let diff = maxAbsDifference(mapA.maps, mapB.maps)
        print(String(format: "PARITY onnx %@ %@ fused attention vs node by node: max abs diff %.3g", name, method.rawValue, diff))
        XCTAssertLessThanOrEqual(diff, 1e-5, "\(name) \(method.rawValue)")
      }
    }
  }

  /// One hand-written attention: `x` `[1, 3, 8, 8]` reshaped to qkv `[1, T, parts, heads, d]`,
  /// q, k, v taken on the parts axis, `softmax((q * qScale) @ kT / divisor, axis) @ v` with the
  /// heads merged back to `[1, T * heads * d]`.
  struct Graph {
    var tokens = 8, parts = 3, heads = 2, d = 4
    /// Split + Squeeze, or Gather with scalar indices.
    var gather = false
    /// q's factor: nothing, one element (a scalar), or `d` elements (one per feature).
    var qScale: [Float] = []
    var divisor: Float? = nil
    var axis: Int64 = -1
    /// Reshape targets with -1 for the tokens (so an empty image gives no tokens).
    var anyTokens = false

    func model() -> Onnx_ModelProto {
      var nodes = [
        GraphBuilder.node("Reshape", ["x", "qkv_shape"], ["qkv"]),
        GraphBuilder.node("Transpose", ["qkv"], ["t"], ints: ["perm": [2, 0, 3, 1, 4]]),
      ]
      var initializers = [
        GraphBuilder.int64s("qkv_shape", [5], [1, anyTokens ? -1 : Int64(tokens), Int64(parts), Int64(heads), Int64(d)]),
        GraphBuilder.int64s("out_shape", [2], [1, anyTokens ? -1 : Int64(tokens * heads * d)]),
      ]
      if gather {
        for (i, part) in ["q", "k", "v"].enumerated() {
          nodes.append(GraphBuilder.node("Gather", ["t", "index\(i)"], [part]))
          initializers.append(GraphBuilder.int64s("index\(i)", [], [Int64(i)]))
        }
      } else {
        nodes.append(GraphBuilder.node("Split", ["t", "sizes"], ["s0", "s1", "s2"]))
        for (i, part) in ["q", "k", "v"].enumerated() { nodes.append(GraphBuilder.node("Squeeze", ["s\(i)", "axis0"], [part])) }
        initializers += [GraphBuilder.int64s("sizes", [3], [1, 1, 1]), GraphBuilder.int64s("axis0", [1], [0])]
      }
      nodes.append(GraphBuilder.node("Transpose", ["k"], ["kT"], ints: ["perm": [0, 1, 3, 2]]))
      var query = "q"
      if !qScale.isEmpty {
        nodes.append(GraphBuilder.node("Mul", ["q", "q_scale"], ["qs"]))
        initializers.append(GraphBuilder.floats("q_scale", qScale.count == 1 ? [] : [Int64(qScale.count)], qScale))
        query = "qs"
      }
      nodes.append(GraphBuilder.node("MatMul", [query, "kT"], ["scores"]))
      var scores = "scores"
      if let divisor {
        nodes.append(GraphBuilder.node("Div", ["scores", "divisor"], ["scaled"]))
        initializers.append(GraphBuilder.floats("divisor", [], [divisor]))
        scores = "scaled"
      }
      var softmax = GraphBuilder.node("Softmax", [scores], ["p"])
      softmax.attribute = [GraphBuilder.int("axis", axis)]
      nodes += [
        softmax,
        GraphBuilder.node("MatMul", ["p", "v"], ["o"]),
        GraphBuilder.node("Transpose", ["o"], ["y"], ints: ["perm": [0, 2, 1, 3]]),
        GraphBuilder.node("Reshape", ["y", "out_shape"], ["logits"]),
      ]
      return GraphBuilder.model(nodes: nodes, initializers: initializers, output: "logits")
    }

    /// The graph's output computed in float64, written out from the ONNX operators' definitions.
    func reference(_ x: [Float]) -> [Double] {
      let (t, h) = (tokens, heads)
      func element(_ token: Int, _ part: Int, _ head: Int, _ e: Int) -> Double {
        Double(x[((token * parts + part) * h + head) * d + e])
      }
      var out = [Double](repeating: 0, count: t * h * d)
      for head in 0..<h {
        var s = [[Double]](repeating: [Double](repeating: 0, count: t), count: t)
        for i in 0..<t {
          for j in 0..<t {
            for e in 0..<d {
              let factor = qScale.isEmpty ? 1 : Double(qScale[qScale.count == 1 ? 0 : e])
              s[i][j] += element(i, 0, head, e) * factor * element(j, 1, head, e)
            }
            if let divisor { s[i][j] /= Double(divisor) }
          }
        }
        // Softmax over the last axis (j), or over axis 2 (i) of [1, heads, T, T].
        var p = s
        for a in 0..<t {
          let line = (0..<t).map { axis == 2 ? s[$0][a] : s[a][$0] }
          let m = line.max()!
          let total = line.reduce(0) { $0 + Foundation.exp($1 - m) }
          for b in 0..<t {
            let value = Foundation.exp(line[b] - m) / total
            if axis == 2 { p[b][a] = value } else { p[a][b] = value }
          }
        }
        for i in 0..<t {
          for e in 0..<d {
            out[(i * h + head) * d + e] = (0..<t).reduce(0) { $0 + p[i][$1] * element($1, 2, head, e) }
          }
        }
      }
      return out
    }
  }

  /// Loads `graph` fused, checks the fused count, and its output against the float64 reference.
  func check(_ graph: Graph, fusedCount: Int?, _ label: String) throws {
    let folder = try ONNXFixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = try GraphBuilder.write(graph.model(), to: folder)
    let model = try ONNXClassifier(url: url)
    XCTAssertEqual(model.fusedPatterns["Attention"], fusedCount, label)
    let x = WeightFormula.tensor("input", [1, 3, 8, 8])
    let y = try model.checkedForward(x)
    let expected = graph.reference(x.scalars)
    XCTAssertEqual(y.shape, [1, expected.count], label)
    let diff = zip(y.scalars, expected).map { abs(Double($0) - $1) }.max() ?? .infinity
    print(String(format: "PARITY onnx hand attention %@ vs float64: max abs diff %.3g", label, diff))
    XCTAssertLessThanOrEqual(diff, 1e-5, label)
  }

  func testHandWrittenAttentionIsFused() throws {
    // Split + Squeeze, q scaled by a scalar before the product.
    try check(Graph(qScale: [0.5]), fusedCount: 1, "split, q * 0.5")
    // Gather of four parts (the first three used), scores divided after the product, axis 3.
    try check(Graph(tokens: 4, parts: 4, heads: 2, d: 6, gather: true, divisor: 2, axis: 3), fusedCount: 1, "gather, 4 parts, / 2, axis 3")
  }

  func testNearMissesRunNodeByNode() throws {
    try check(Graph(qScale: [0.5], axis: 2), fusedCount: nil, "softmax over axis 2")
    try check(Graph(qScale: [0.5, 0.25, 1, 2]), fusedCount: nil, "a scale per feature")
  }

  /// An image without pixels gives no tokens: the fused op runs the plain ops on the empty
  /// tensors (the kernel needs a token) and gives what the graph run node by node gives.
  func testNoTokens() throws {
    let folder = try ONNXFixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = try GraphBuilder.write(Graph(qScale: [0.5], anyTokens: true).model(), to: folder)
    let fused = try ONNXClassifier(url: url), plain = try ONNXClassifier(url: url, fusingPatterns: false)
    XCTAssertEqual(fused.fusedPatterns["Attention"], 1)
    let x = Tensor.zeros([1, 3, 0, 0])
    XCTAssertEqual(try fused.checkedForward(x).shape, [1, 0])
    XCTAssertEqual(try plain.checkedForward(x).shape, [1, 0])
    let rollout = ForwardContext(capturesAttention: true)
    XCTAssertEqual(try fused.checkedForward(x, context: rollout).shape, [1, 0])
    XCTAssertEqual(rollout.attentions.map(\.shape), [[1, 2, 0, 0]])
  }

  /// A Split into three of an axis with four entries fails with or without fusion (the file is wrong).
  func testSplitOfFourPartsIsRefusedEitherWay() throws {
    let folder = try ONNXFixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = try GraphBuilder.write(Graph(tokens: 4, parts: 4, heads: 2, d: 6).model(), to: folder)
    for fusing in [true, false] {
      XCTAssertThrowsError(try ONNXClassifier(url: url, fusingPatterns: fusing)) { error in
        XCTAssertTrue("\(error)".hasPrefix("\(url.path): node "), "\(error)")
        XCTAssertFalse("\(error)".contains("\n"))
      }
    }
  }
}
