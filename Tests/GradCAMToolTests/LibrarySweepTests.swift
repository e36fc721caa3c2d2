import Corruptions
import Foundation
import GradCAM
import Imaging
import NPY
import Networks
import XCTest

/// The sweep called through the library, in the few lines of examples/library-api, gives the
/// same cells as the `gradcam` command: the same report (bytes) and the same raw maps (bits).
final class LibrarySweepTests: XCTestCase {
  func testLibrarySweepEqualsTheCommand() throws {
    let dog = Tool.packageRoot.appendingPathComponent("examples/dog.png")
    let dir = try Tool.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let r = try Tool.run(
      ["--model", "cifar10-resnet56", "--image", dog.path, "--severities", "1-2", "--corruptions", "glass_blur,snow,saturate", "--maps-dir", "maps",
       "--report", "cli.json", "--raw-maps", "--quiet"], in: dir)
    XCTAssertEqual(r.status, 0, r.stderr)

    // The library call.
    let model = try BundledModels.load("cifar10-resnet56")
    let explainer = try CAMExplainer(model: model, method: .gradCAM)
    let sweep = CorruptionSweep(
      explainer: explainer, preprocessing: try Preprocessing.profile(named: model.input.profile),
      corruptions: [.glassBlur, .snow, .saturate], severities: [1, 2])
    let result = try sweep.run(try ImageFile.read(dog))

    XCTAssertEqual(result.cells.map(\.key), ["clean", "glass_blur-s1", "glass_blur-s2", "snow-s1", "snow-s2", "saturate-s1", "saturate-s2"])
    let cli = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("cli.json"))) as? [String: Any]
    let version = try XCTUnwrap(cli?["version"] as? String)
    let names = ClassNames.cifar10
    let report = SweepReport(
      tool: "gradcam", version: version, model: "cifar10-resnet56", sweep: sweep, labelGiven: false,
      images: [SweepReport.Image(name: "dog", path: dog.path, result: result, classNames: names)])
    try report.write(to: dir.appendingPathComponent("library.json"))
    XCTAssertEqual(
      try Data(contentsOf: dir.appendingPathComponent("library.json")), try Data(contentsOf: dir.appendingPathComponent("cli.json")))
    for cell in result.cells {
      let written = try Data(contentsOf: dir.appendingPathComponent("maps/dog/\(cell.key).npy"))
      XCTAssertEqual(try NPYArray(shape: [cell.mapHeight, cell.mapWidth], floats: cell.map).encoded(), written, cell.key)
      let raw = try Data(contentsOf: dir.appendingPathComponent("maps/dog/raw_\(cell.key).npy"))
      XCTAssertEqual(try NPYArray(shape: cell.rawShape, floats: cell.rawMap).encoded(), raw, cell.key)
    }
    // The explained class is the clean prediction; a cell is correct when it predicts it.
    XCTAssertEqual(result.target, result.clean.predicted)
    XCTAssertEqual(result.cells.map(\.correct), result.cells.map { $0.predicted == result.target })
    XCTAssertNotNil(result.cell(.snow, severity: 2))
    XCTAssertNil(result.cell(.fog, severity: 1))
  }

  /// Each cell's top-5 classes (the HTML report's detail) come from the same probabilities as its
  /// prediction: the first is the predicted class with its confidence (exactly), then four more
  /// distinct classes in non-increasing probability.
  func testTopFiveClassesAgreeWithThePrediction() throws {
    let dog = Tool.packageRoot.appendingPathComponent("examples/dog.png")
    let model = try BundledModels.load("cifar10-resnet56")
    let sweep = CorruptionSweep(
      explainer: try CAMExplainer(model: model, method: .gradCAM),
      preprocessing: try Preprocessing.profile(named: model.input.profile), corruptions: [.snow], severities: [3])
    let result = try sweep.run(try ImageFile.read(dog))
    for cell in result.cells {
      XCTAssertEqual(cell.top.count, 5, cell.key)
      XCTAssertEqual(cell.top.first?.index, cell.predicted, cell.key)
      XCTAssertEqual(cell.top.first?.probability, cell.confidence, cell.key)
      XCTAssertEqual(Set(cell.top.map(\.index)).count, 5, cell.key)
      XCTAssertEqual(cell.top.map(\.probability), cell.top.map(\.probability).sorted(by: >), cell.key)
      XCTAssertLessThanOrEqual(cell.top.map { Double($0.probability) }.reduce(0, +), 1 + 1e-5, cell.key)
    }
  }

  /// The sweep explains its cells in batches (16 per forward/backward pass by default, the
  /// logits of the CAM pass giving each prediction). Reference: the same sweep one cell per pass
  /// (batch size 1). Maps agree within 1e-5 (absolute; maps are in [0, 1)), raw maps within 1e-5
  /// of their largest magnitude, confidences within 1e-5; predictions, correctness and top-5
  /// classes are equal.
  func testBatchedCellsEqualCellByCell() throws {
    let dog = Tool.packageRoot.appendingPathComponent("examples/dog.png")
    let model = try BundledModels.load("cifar10-resnet56")
    let image = try ImageFile.read(dog)
    func sweep(batchSize: Int) throws -> SweepResult {
      try CorruptionSweep(
        explainer: try CAMExplainer(model: model, method: .gradCAM),
        preprocessing: try Preprocessing.profile(named: model.input.profile), corruptions: [.glassBlur, .snow, .saturate],
        severities: Severity.all, batchSize: batchSize
      ).run(image)
    }
    let batched = try sweep(batchSize: 16), single = try sweep(batchSize: 1)
    XCTAssertEqual(batched.cells.count, 16)
    XCTAssertEqual(batched.target, single.target)
    XCTAssertEqual(batched.cells.map(\.key), single.cells.map(\.key))
    for (b, s) in zip(batched.cells, single.cells) {
      XCTAssertEqual(b.predicted, s.predicted, b.key)
      XCTAssertEqual(b.correct, s.correct, b.key)
      XCTAssertEqual(b.top.map(\.index), s.top.map(\.index), b.key)
      XCTAssertEqual(b.confidence, s.confidence, accuracy: 1e-5, b.key)
      XCTAssertEqual(b.map.count, s.map.count, b.key)
      XCTAssertLessThanOrEqual(zip(b.map, s.map).map { abs($0 - $1) }.max() ?? 1, 1e-5, b.key)
      let scale = max(s.rawMap.map(abs).max() ?? 0, 1e-12)
      XCTAssertEqual(b.rawShape, s.rawShape, b.key)
      XCTAssertLessThanOrEqual((zip(b.rawMap, s.rawMap).map { abs($0 - $1) }.max() ?? 1) / scale, 1e-5, b.key)
    }
  }
}
