import Corruptions
import Evaluation
import Foundation
import GradCAM
import Imaging
import Networks
import XCTest

/// The evaluation runner called from the library writes the same rows and results as
/// `gradcam evaluate` (byte for byte), on 16 shared CIFAR-10 test images with CAM shift.
final class LibraryRunnerTests: XCTestCase {
  func testLibraryRunnerEqualsTheCommand() throws {
    XCTAssertTrue(FileManager.default.fileExists(atPath: EvalTool.cifar.path), "missing fixture Tests/Fixtures/cifar10-test")
    let tmp = try EvalTool.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: tmp) }
    let cli = tmp.appendingPathComponent("cli"), library = tmp.appendingPathComponent("library")
    try EvalTool.run([
      "evaluate", "--data", EvalTool.cifar.path, "--limit", "16", "--corruptions", "snow,fog", "--severities", "1-2",
      "--cam", "--batch-size", "16", "--out", cli.path, "--quiet",
    ])

    let model = try BundledModels.load("cifar10-resnet56")
    let source = try FolderSource(root: EvalTool.cifar.path, classMapFile: nil, seed: 0, profile: nil)
    let explainer = try CAMExplainer(model: model, method: .gradCAM)
    let meta = RunMeta(
      model: "cifar10-resnet56", classes: 10, sourceKind: source.kind, source: EvalTool.cifar.path, images: 16,
      corruptions: [Corruption.snow, .fog].map(\.name), severities: [1, 2], clean: true, seed: 0, profile: nil,
      cam: "gradcam @ layer3", baseline: nil, batchSize: 16)
    try FileManager.default.createDirectory(at: library, withIntermediateDirectories: true)
    try meta.write(to: library)
    let log = try RowLog(url: library.appendingPathComponent("rows.csv"))
    var reported: [(Int, Int)] = []
    let runner = try EvalRunner(
      model: model, preprocessing: try Preprocessing.profile(named: model.input.profile), source: source, meta: meta,
      explainer: explainer, log: log)
    let written = try runner.run { reported.append(($0, $1)) }
    _ = try Report.write(meta: meta, rows: log.rows, to: library)

    XCTAssertEqual(written, 16 * (1 + 2 * 2))
    XCTAssertEqual(reported.first?.0, 0)
    XCTAssertEqual(reported.last?.0, written)
    XCTAssertEqual(reported.last?.1, written)
    for name in ["meta.json", "rows.csv", "results.csv", "summary.json", "cam.csv"] {
      XCTAssertEqual(
        try Data(contentsOf: library.appendingPathComponent(name)), try Data(contentsOf: cli.appendingPathComponent(name)), name)
    }
    // A second run finds every row in the log and writes none.
    XCTAssertEqual(try runner.run(), 0)
  }

  /// Sources take typed corruptions: a missing corruption folder is an error naming it.
  func testTreeSourceNamesAMissingFolder() throws {
    let tmp = try EvalTool.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: tmp) }
    XCTAssertThrowsError(try TreeSource(root: tmp.path, clean: nil, corruptions: [.fog], severities: [1], classMapFile: nil)) {
      XCTAssertEqual("\($0)", "\(tmp.appendingPathComponent("fog/1").path): no such folder")
    }
  }
}
