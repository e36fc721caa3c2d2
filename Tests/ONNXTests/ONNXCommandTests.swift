import Foundation
import NPY
import ToolTestSupport
import XCTest

/// `--model file.onnx` through the command line: a working model, and bad files (one line, exit 1,
/// nothing written).
final class ONNXCommandTests: XCTestCase {
  var folder: URL!

  override func setUpWithError() throws { folder = try ONNXFixtures.scratch() }
  override func tearDown() { try? FileManager.default.removeItem(at: folder) }

  var dog: String { BuiltTool.packageRoot.appendingPathComponent("examples/dog.png").path }

  func testCAMWithAnImportedResNet() throws {
    let model = try ONNXFixtures.completed("resnet50", in: folder).path
    let out = folder.appendingPathComponent("map.npy")
    let cam = try BuiltTool.run(["cam", "--model", model, "--image", dog, "--out", out.path])
    XCTAssertEqual(cam.status, 0, cam.stderr)
    let map = try NPYArray(contentsOf: out)
    XCTAssertEqual(map.shape.count, 2)
  }

  func testBadModelFileIsOneLineAndWritesNothing() throws {
    let bad = folder.appendingPathComponent("bad.onnx")
    try Data("not a model".utf8).write(to: bad)
    let out = folder.appendingPathComponent("map.npy")
    let run = try BuiltTool.run(["cam", "--model", bad.path, "--image", dog, "--out", out.path])
    XCTAssertEqual(run.status, 1)
    let lines = run.stderr.split(separator: "\n")
    XCTAssertEqual(lines.count, 1, run.stderr)
    XCTAssertTrue(run.stderr.contains("\(bad.path): not an ONNX model"), run.stderr)
    XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
  }
}
