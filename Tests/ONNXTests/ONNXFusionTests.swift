import Autodiff
import AutodiffTestSupport
import Foundation
import GradCAM
import Networks
import ONNX
import XCTest

/// Load-time pattern fusion (decomposed LayerNorm, `MatMul + Add` linear layers, exact GELU,
/// multi-head attention) on
/// a tiny ViT (`make_onnx_fixtures.py fusion`, formula weights kept, formula input
/// [1, 3, 32, 32]) from three exports: the fused graph against the same graph run node by node
/// (logits and Grad-CAM maps, 1e-5) and against onnxruntime (1e-4 relative), and near-miss
/// patterns left unfused.
final class ONNXFusionTests: XCTestCase {
  static let x = WeightFormula.tensor("input", [1, 3, 32, 32])

  func load(_ name: String, fusing: Bool) throws -> ONNXClassifier {
    try ONNXClassifier(url: ONNXFixtures.url("\(name).onnx"), fusingPatterns: fusing)
  }

  func testFusedGraphEqualsNodeByNode() throws {
    let expected: [String: [String: Int]] = [
      // TorchScript below opset 17 writes LayerNorm out; opset 17 and dynamo write LayerNormalization.
      // The block's attention scales the scores after the product (by `Pow(8, -0.5)` at opset 14
      // and 17, by a constant with dynamo); dynamo takes q, k, v with Slice + Squeeze.
      "fusion_block_opset14": ["LayerNormalization": 3, "Linear": 4, "Gelu": 1, "Attention": 1],
      "fusion_block": ["Linear": 4, "Gelu": 1, "Attention": 1],
      "fusion_block_dynamo": ["Linear": 4, "Gelu": 1, "Attention": 1],
    ]
    for (name, counts) in expected.sorted(by: { $0.key < $1.key }) {
      let fused = try load(name, fusing: true), plain = try load(name, fusing: false)
      XCTAssertEqual(fused.fusedPatterns, counts, name)
      XCTAssertEqual(plain.fusedPatterns, [:], name)
      let a = try fused.checkedForward(Self.x), b = try plain.checkedForward(Self.x)
      let reference = try ONNXFixtures.tensor("\(name)_logits")
      let scale = reference.scalars.map { abs(Double($0)) }.max() ?? 1
      XCTAssertLessThanOrEqual(maxAbsDifference(a, b) / scale, 1e-5, name)
      XCTAssertLessThanOrEqual(maxAbsDifference(a, reference) / scale, 1e-4, name)
      // Gradients through every fused op: the token map at the first norm and the patch map.
      for layer in ["norm1", fused.defaultCAMLayer] {
        let mapA = try CAMExplainer(model: fused, method: .gradCAM, layer: layer).explain(batch: Self.x, target: .predicted)
        let mapB = try CAMExplainer(model: plain, method: .gradCAM, layer: layer).explain(batch: Self.x, target: .predicted)
        XCTAssertEqual(mapA.targetClasses, mapB.targetClasses)
        XCTAssertLessThanOrEqual(maxAbsDifference(mapA.maps, mapB.maps), 1e-5, "\(name) \(layer)")
      }
    }
  }

  /// A fused linear layer followed by its block's residual Add runs as one linear layer adding the
  /// residual in the GEMM's store (the attention projection and fc2: two per block), with the same
  /// sums in the same order as the Add: logits bit-identical to a pass that taps the linear
  /// layers' outputs (which runs the Add on its own), and the same Grad-CAM maps.
  func testLinearResidualAddRunsInTheStore() throws {
    let fused = try load("fusion_block", fusing: true)
    XCTAssertEqual(try fused.runtimeFusions(inputShape: Self.x.shape), ["Linear": 2])
    XCTAssertEqual(try load("fusion_block", fusing: false).runtimeFusions(inputShape: Self.x.shape), [:])
    let inStore = try fused.checkedForward(Self.x)
    let separate = try fused.checkedForward(Self.x, context: ForwardContext(taps: ["proj", "fc2"]))
    XCTAssertEqual(inStore.scalars, separate.scalars)
    let plain = try load("fusion_block", fusing: false)
    let map = try CAMExplainer(model: fused, method: .gradCAM, layer: "norm1").explain(batch: Self.x, target: .predicted)
    let reference = try CAMExplainer(model: plain, method: .gradCAM, layer: "norm1").explain(batch: Self.x, target: .predicted)
    XCTAssertLessThanOrEqual(maxAbsDifference(map.maps, reference.maps), 1e-5)
  }

  /// The fused value keeps the pattern's last value name and module path; the values inside a
  /// pattern are no longer layers.
  func testLayerNamesOfFusedPatterns() throws {
    let fused = try load("fusion_block_opset14", fusing: true), plain = try load("fusion_block_opset14", fusing: false)
    let fusedShapes = Dictionary(fused.layers.map { ($0.name, $0.shape) }, uniquingKeysWith: { a, _ in a })
    let plainShapes = Dictionary(plain.layers.map { ($0.name, $0.shape) }, uniquingKeysWith: { a, _ in a })
    for name in ["norm1", "norm2", "norm", "qkv", "proj", "fc1", "fc2", "/norm1/Add_1_output_0", "/fc1/Add_output_0", "/Mul_3_output_0"] {
      XCTAssertNotNil(fusedShapes[name], name)
      XCTAssertEqual(fusedShapes[name], plainShapes[name], name)
    }
    XCTAssertEqual(fusedShapes["norm1"], [1, 17, 16])
    // Fused attention keeps its probabilities as a layer under the Softmax's name.
    XCTAssertEqual(fusedShapes["/Softmax_output_0"], [1, 2, 17, 17])
    for inner in ["/norm1/Sub_output_0", "/norm1/Div_output_0", "/fc1/MatMul_output_0", "/Erf_output_0", "/MatMul_output_0", "/Squeeze_output_0"] {
      XCTAssertNotNil(plainShapes[inner], inner)
      XCTAssertNil(fusedShapes[inner], inner)
    }
    XCTAssertTrue(Set(fusedShapes.keys).isSubset(of: Set(plainShapes.keys)))
  }

  /// A LayerNorm written over axis 1 and a GELU dividing by 1.5 run node by node, with
  /// onnxruntime's logits (1e-4 relative).
  func testNearMissesAreNotFused() throws {
    let model = try load("fusion_near_miss", fusing: true)
    XCTAssertEqual(model.fusedPatterns, [:])
    let reference = try ONNXFixtures.tensor("fusion_near_miss_logits")
    let scale = reference.scalars.map { abs(Double($0)) }.max() ?? 1
    XCTAssertLessThanOrEqual(maxAbsDifference(try model.checkedForward(Self.x), reference) / scale, 1e-4)
  }

  /// The fused operators are the importer's own: a file naming one is refused.
  func testFusedOperatorsAreNotReadFromFiles() throws {
    let folder = try ONNXFixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    var node = GraphBuilder.node("Linear", ["x", "w", "b"], ["y"])
    node.domain = "gradcam.fused"
    let model = GraphBuilder.model(nodes: [node], output: "y")
    let url = try GraphBuilder.write(model, to: folder)
    XCTAssertThrowsError(try ONNXClassifier(url: url)) { error in
      XCTAssertEqual("\(error)", "\(url.path): unsupported operators: gradcam.fused.Linear (1)")
    }
  }
}
