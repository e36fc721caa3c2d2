import Foundation
import ONNX
import XCTest

/// Bad ONNX files: each load fails with one line naming the file and the problem.
final class ONNXReaderErrorTests: XCTestCase {
  var folder: URL!

  override func setUpWithError() throws { folder = try ONNXFixtures.scratch() }
  override func tearDown() { try? FileManager.default.removeItem(at: folder) }

  /// Loads `url` and returns the error's message, failing when the load succeeds.
  func error(loading url: URL, limits: ONNXLimits = ONNXLimits(), file: StaticString = #filePath, line: UInt = #line) -> String {
    onnxLoadError(url, limits: limits, file: file, line: line).map { "\($0)" } ?? ""
  }

  func error(_ model: Onnx_ModelProto, file: StaticString = #filePath, line: UInt = #line) throws -> String {
    error(loading: try GraphBuilder.write(model, to: folder), file: file, line: line)
  }

  /// A valid classifier: GlobalAveragePool, Flatten, Gemm to 2 classes.
  func classifier(weight: Onnx_TensorProto = GraphBuilder.floats("w", [2, 3], [1, 0, 0, 0, 1, 0])) -> Onnx_ModelProto {
    GraphBuilder.model(
      nodes: [GraphBuilder.node("GlobalAveragePool", ["x"], ["p"]), GraphBuilder.node("Flatten", ["p"], ["f"]),
              GraphBuilder.node("Gemm", ["f", "w"], ["y"], ints: [:])],
      initializers: [weight], output: "y")
  }

  func testValidClassifierLoadsAndRuns() throws {
    var model = classifier()
    model.graph.node[2].attribute = [{ var a = Onnx_AttributeProto(); a.name = "transB"; a.type = .int; a.i = 1; return a }()]
    let m = try ONNXClassifier(url: try GraphBuilder.write(model, to: folder))
    XCTAssertEqual(m.classCount, 2)
    XCTAssertEqual(m.layers.map(\.name), ["p", "f", "y"])
    XCTAssertEqual(m.layers.map(\.shape), [[1, 3, 1, 1], [1, 3], [1, 2]])
  }

  func testMalformedProtobuf() throws {
    let url = folder.appendingPathComponent("bad.onnx")
    try Data([0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x01, 0x02]).write(to: url)
    XCTAssertTrue(error(loading: url).contains("not an ONNX model"))
    try Data("plain text, not a model".utf8).write(to: url)
    XCTAssertTrue(error(loading: url).contains("not an ONNX model"))
  }

  func testMissingFile() {
    XCTAssertTrue(error(loading: folder.appendingPathComponent("none.onnx")).contains("no such file"))
  }

  func testCycle() throws {
    let model = GraphBuilder.model(
      nodes: [GraphBuilder.node("Relu", ["d"], ["c"], name: "a"), GraphBuilder.node("Relu", ["c"], ["d"], name: "b"),
              GraphBuilder.node("Add", ["x", "c"], ["y"])],
      output: "y")
    XCTAssertTrue(try error(model).contains("cycle"))
  }

  func testMissingInitializer() throws {
    let model = GraphBuilder.model(nodes: [GraphBuilder.node("Conv", ["x", "w"], ["y"], name: "/conv/Conv")], output: "y")
    XCTAssertTrue(try error(model).contains("node /conv/Conv reads 'w', which no initializer, input or node produces"))
  }

  func testShapeMismatch() throws {
    let w = GraphBuilder.floats("w", [4, 5, 1, 1], [Float](repeating: 0.5, count: 20))
    let model = GraphBuilder.model(nodes: [GraphBuilder.node("Conv", ["x", "w"], ["y"], name: "/c/Conv")], initializers: [w], output: "y")
    let text = try error(model)
    XCTAssertTrue(text.contains("node /c/Conv (Conv): Conv: input [1, 3, 8, 8] does not match weight [4, 5, 1, 1]"), text)
    // A Gemm whose weight does not fit the features.
    XCTAssertTrue(try error(classifier(weight: GraphBuilder.floats("w", [2, 4], [Float](repeating: 1, count: 8)))).contains("Gemm: inner dimensions differ"))
  }

  func testInitializerDataShorterThanItsShape() throws {
    XCTAssertTrue(try error(classifier(weight: GraphBuilder.floats("w", [2, 3], [1, 2]))).contains("holds 2 values for shape [2, 3]"))
  }

  func testAbsurdDimensions() throws {
    var w = GraphBuilder.floats("w", [1 << 40, 1 << 40], [])
    XCTAssertTrue(try error(classifier(weight: w)).contains("tensor 'w' has dimensions"))
    w = GraphBuilder.floats("w", [1 << 20, 1 << 20], [])
    XCTAssertTrue(try error(classifier(weight: w)).contains("elements"))
    var absurdInput = classifier()
    absurdInput.graph.input[0].type.tensorType.shape.dim[2].dimValue = 1 << 40
    XCTAssertTrue(try error(absurdInput).contains("input 'x' has dimension"))
  }

  func testExternalDataOutsideTheFolder() throws {
    for location in ["../secret.bin", "/etc/passwd", "sub/../../x.bin"] {
      var w = GraphBuilder.floats("w", [2, 3], [])
      w.dataLocation = .external
      var entry = Onnx_StringStringEntryProto()
      entry.key = "location"
      entry.value = location
      w.externalData = [entry]
      XCTAssertTrue(try error(classifier(weight: w)).contains("external data path '\(location)' leaves the model's folder"), location)
    }
  }

  func testExternalDataInsideTheFolderLoads() throws {
    let values: [Float] = [1, 0, 0, 0, 1, 0]
    var bytes = Data([0, 0, 0, 0])
    bytes.append(values.withUnsafeBufferPointer { Data(buffer: $0) })
    try bytes.write(to: folder.appendingPathComponent("weights.bin"))
    var w = GraphBuilder.floats("w", [2, 3], [])
    w.dataLocation = .external
    w.externalData = [("location", "weights.bin"), ("offset", "4"), ("length", "24")].map { k, v in
      var e = Onnx_StringStringEntryProto()
      e.key = k
      e.value = v
      return e
    }
    var model = classifier(weight: w)
    model.graph.node[2].attribute = [{ var a = Onnx_AttributeProto(); a.name = "transB"; a.type = .int; a.i = 1; return a }()]
    XCTAssertEqual(try ONNXClassifier(url: try GraphBuilder.write(model, to: folder)).classCount, 2)
    // Too short for its offset and length.
    w.externalData[2].value = "400"
    XCTAssertTrue(try error(classifier(weight: w)).contains("does not match its shape"))
  }

  func testUnsupportedOperatorsAreListedWithCounts() throws {
    let model = GraphBuilder.model(
      nodes: [GraphBuilder.node("FooOp", ["x"], ["a"]), GraphBuilder.node("FooOp", ["a"], ["b"]),
              GraphBuilder.node("BarOp", ["b"], ["y"])],
      output: "y")
    XCTAssertTrue(try error(model).hasSuffix("unsupported operators: BarOp (1), FooOp (2)"))
  }

  func testOpsetOutsideTheSupportedRange() throws {
    var model = classifier()
    model.opsetImport[0].version = 9
    XCTAssertTrue(try error(model).contains("opset 9 is not supported"))
  }
}
