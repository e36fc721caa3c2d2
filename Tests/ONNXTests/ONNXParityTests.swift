import Autodiff
import AutodiffTestSupport
import GradCAM
import Networks
import ONNX
import XCTest

/// Imported graphs against onnxruntime's logits on the complete models
/// (Scripts/fixtures/make_onnx_fixtures.py; real architectures with WeightFormula weights on the
/// formula input). Tolerance: 1e-4 of the largest logit's magnitude.
final class ONNXParityTests: XCTestCase {
  /// Loads fixture `tag` and checks its logits; returns the model.
  @discardableResult
  static func check(_ tag: String, model: ONNXClassifier? = nil, size: Int = 64, file: StaticString = #filePath, line: UInt = #line) throws -> ONNXClassifier {
    let model = try model ?? ONNXFixtures.model(tag)
    let x = WeightFormula.tensor("input", [1, 3, size, size])
    let logits = try model.checkedForward(x)
    let reference = try ONNXFixtures.tensor("\(tag)_logits")
    XCTAssertEqual(logits.shape, reference.shape, file: file, line: line)
    let scale = reference.scalars.map { abs(Double($0)) }.max() ?? 1
    let relative = maxAbsDifference(logits, reference) / scale
    print(String(format: "PARITY onnx %@ vs onnxruntime: max relative diff %.3g", tag, relative))
    XCTAssertLessThanOrEqual(relative, 1e-4, tag, file: file, line: line)
    return model
  }

  func check(_ tag: String, size: Int = 64) throws { try Self.check(tag, size: size) }

  func testTinyOpsTorchScript() throws {
    let model = try ONNXClassifier(url: try ONNXFixtures.url("tiny_ops.onnx"))
    let x = WeightFormula.tensor("input", [1, 3, 32, 32])
    let reference = try ONNXFixtures.tensor("tiny_ops_logits")
    XCTAssertLessThanOrEqual(maxAbsDifference(try model.checkedForward(x), reference), 1e-4 * 1)
  }

  func testTinyOpsDynamo() throws {
    let model = try ONNXClassifier(url: try ONNXFixtures.url("tiny_ops_dynamo.onnx"))
    let x = WeightFormula.tensor("input", [1, 3, 32, 32])
    XCTAssertLessThanOrEqual(maxAbsDifference(try model.checkedForward(x), try ONNXFixtures.tensor("tiny_ops_dynamo_logits")), 1e-4)
  }

  func testSwinT() throws { try check("swin_t") }
  func testDeiTSmallDistilled() throws { try check("deit_small_distilled_patch16_224", size: 224) }
  func testDINOv2SmallWithRegisters() throws { try check("vit_small_patch14_reg4_dinov2", size: 112) }
  func testResNet50Dynamo() throws { try check("resnet50_dynamo") }
  func testMobileNetV3LargeDynamo() throws { try check("mobilenet_v3_large_dynamo") }

  /// Logits, and a batch of two runs each image as alone (dynamic batch axis; the plan is made
  /// per shape).
  func testResNet50AndABatchOfTwo() throws {
    let model = try Self.check("resnet50")
    let x = WeightFormula.tensor("input", [1, 3, 64, 64])
    let one = try model.checkedForward(x)
    let two = try model.checkedForward(concat([x, x * 0.5], axis: 0))
    XCTAssertEqual(two.shape, [2, one.shape[1]])
    XCTAssertLessThanOrEqual(maxAbsDifference(two.slice(axis: 0, range: 0..<1), one), 1e-5)
  }
}
