import Autodiff
import Foundation
import ONNX
import XCTest

/// The ONNX fuzz target's inputs (Fixtures/fuzz, copies of Fuzz/seeds/onnx made by
/// Scripts/fixtures/make_onnx_fuzz_seeds.py, plus every fuzzer finding): hostile files fail with
/// one line naming the file and the problem; the valid seeds load and run.
final class ONNXFuzzRegressionTests: XCTestCase {
  /// Loads fuzz fixture `name` and returns the error's message, failing when the load succeeds.
  func error(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
    onnxLoadError(try ONNXFixtures.url("fuzz/\(name).onnx"), running: true, file: file, line: line).map { "\($0)" } ?? ""
  }

  func testHostileSeedsAreRefusedWithOneLine() throws {
    let expected = [
      "truncated": "not an ONNX model (the protobuf does not decode",
      "cycle": "the graph has a cycle",
      "missing_initializer": "node /conv/Conv reads 'w', which no initializer, input or node produces",
      "external_data_escape": "external data path '../../../etc/passwd' leaves the model's folder",
      "absurd_initializer_dims": "'hw' has dimensions [1099511627776, 1073741824]",
      "absurd_input_dims": "input 'x' has dimension 2147483648",
      "opset_out_of_range": "opset 7 is not supported",
      "unsupported_ops": "unsupported operators: Loop (1), NonMaxSuppression (1)",
      // Fuzzer finding: a Reshape target whose product overflows Int trapped.
      "finding_reshape_target_overflow": "Reshape: cannot reshape",
      // Fuzzer finding (from the fusion seeds): Split of a scalar indexed its missing first axis.
      "finding_split_scalar": "Split: a scalar has no axis to split",
      "reshape_mismatch": "node Reshape -> c (Reshape): Reshape: cannot reshape [1, 3, 8, 8] to [1, 5, -1, 7]",
    ]
    for (name, problem) in expected.sorted(by: { $0.key < $1.key }) {
      let text = try error(name)
      XCTAssertTrue(text.contains(problem), "\(name): \(text)")
    }
  }

  func testValidSeedsLoadAndRun() throws {
    for name in ["valid_conv_bn_relu", "valid_shape_folding", "valid_attention"] {
      let model = try ONNXClassifier(url: try ONNXFixtures.url("fuzz/\(name).onnx"))
      XCTAssertEqual(model.classCount, 4, name)
      let logits = try model.checkedForward(Tensor.zeros([1, 3, 8, 8]))
      XCTAssertEqual(logits.shape, [1, 4], name)
    }
    XCTAssertTrue(try ONNXClassifier(url: try ONNXFixtures.url("fuzz/valid_attention.onnx")).hasAttention)
  }

  // Hand-made graphs for the overflow and conversion traps found by reading the operators the
  // fuzzer reached (each trapped before its fix).

  /// The error of loading a graph of `nodes` (output `y`) written to a scratch folder.
  func error(nodes: [Onnx_NodeProto], initializers: [Onnx_TensorProto], file: StaticString = #filePath, line: UInt = #line) throws -> String {
    let folder = try ONNXFixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = try GraphBuilder.write(GraphBuilder.model(nodes: nodes, initializers: initializers, output: "y"), to: folder)
    return onnxLoadError(url, file: file, line: line)?.problem ?? ""
  }

  func testRangeOfNaNLengthIsAnError() throws {
    let text = try error(
      nodes: [GraphBuilder.node("Range", ["s", "l", "d"], ["y"])],
      initializers: [GraphBuilder.floats("s", [], [.infinity]), GraphBuilder.floats("l", [], [.infinity]), GraphBuilder.floats("d", [], [1])])
    XCTAssertTrue(text.contains("Range: start inf, limit inf, delta 1.0 give no length"), text)
  }

  func testResizeByAnInfiniteScaleIsAnError() throws {
    let text = try error(
      nodes: [GraphBuilder.node("Resize", ["x", "", "sc"], ["y"])], initializers: [GraphBuilder.floats("sc", [4], [1, 1, .infinity, 1])])
    XCTAssertTrue(text.contains("Resize's output has dimension"), text)
  }

  func testTileByAHugeRepeatIsAnError() throws {
    let text = try error(nodes: [GraphBuilder.node("Tile", ["x", "r"], ["y"])], initializers: [GraphBuilder.int64s("r", [4], [1, 1, 1 << 40, 1])])
    XCTAssertTrue(text.contains("Tile: repeats [1, 1, 1099511627776, 1]"), text)
    let limited = try error(nodes: [GraphBuilder.node("Tile", ["x", "r"], ["y"])], initializers: [GraphBuilder.int64s("r", [4], [1, 1, 1 << 22, 1 << 22])])
    XCTAssertTrue(limited.contains("Tile's output has"), limited)
  }

  func testSplitIntoInt64MaxPartsIsAnError() throws {
    var split = GraphBuilder.node("Split", ["x"], ["y", "z"])
    var parts = Onnx_AttributeProto()
    parts.name = "num_outputs"
    parts.type = .int
    parts.i = .max
    split.attribute = [parts]
    let text = try error(nodes: [split], initializers: [])
    XCTAssertTrue(text.contains("Split: num_outputs 9223372036854775807 for 2 outputs"), text)
  }

  func testPoolingWithAHugeDilationIsAnError() throws {
    let pool = GraphBuilder.node("MaxPool", ["x"], ["y"], ints: ["kernel_shape": [3, 3], "dilations": [1 << 62, 1]])
    let text = try error(nodes: [pool], initializers: [])
    XCTAssertTrue(text.contains("MaxPool: invalid strides [1, 1], dilations [4611686018427387904, 1]"), text)
  }

  /// A step of Int64.min slices like a step of -(n + 1): the element at the start only.
  func testSliceWithAnInt64MinStepLoads() throws {
    let folder = try ONNXFixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let nodes = [
      GraphBuilder.node("Slice", ["x", "st", "en", "ax", "sp"], ["s"]), GraphBuilder.node("GlobalAveragePool", ["s"], ["p"]),
      GraphBuilder.node("Flatten", ["p"], ["y"]),
    ]
    let inits = [GraphBuilder.int64s("st", [1], [7]), GraphBuilder.int64s("en", [1], [-100]), GraphBuilder.int64s("ax", [1], [2]), GraphBuilder.int64s("sp", [1], [.min])]
    let model = try ONNXClassifier(url: try GraphBuilder.write(GraphBuilder.model(nodes: nodes, initializers: inits, output: "y"), to: folder))
    XCTAssertEqual(model.layers.first { $0.name == "s" }?.shape, [1, 3, 1, 8])
  }
}
