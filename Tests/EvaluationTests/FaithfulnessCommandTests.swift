import Evaluation
import Foundation
import GradCAM
import Imaging
import ToolTestSupport
import XCTest

/// `cam --metrics` and `evaluate --cam --faithfulness`: deletion/insertion AUC and ROAD per map,
/// aggregated per corruption and severity by `table` and `plot` (ROAD's parity with
/// pytorch-grad-cam: GradCAMTests/ROADTests).
final class FaithfulnessCommandTests: XCTestCase {
  private var tmp: URL!

  override func setUpWithError() throws { tmp = try EvalTool.temporaryDirectory() }
  override func tearDown() { if let tmp { try? FileManager.default.removeItem(at: tmp) } }

  func testEvaluateFaithfulnessAgreesWithCamMetricsAndTabulates() throws {
    let out = tmp.appendingPathComponent("faith")
    try EvalTool.run([
      "evaluate", "--data", EvalTool.cifar.path, "--limit", "2", "--corruptions", "contrast", "--severities", "5",
      "--cam", "--faithfulness", "--out", out.path, "--quiet",
    ])
    let rows = try RowLog.read(out.appendingPathComponent("rows.csv")).rows
    XCTAssertEqual(rows.count, 2 * 2)
    for r in rows {
      let f = try XCTUnwrap(r.faithfulness, "\(r.key)")
      XCTAssertTrue((0...1).contains(f.deletionAUC) && (0...1).contains(f.insertionAUC) && f.road.isFinite, "\(f)")
    }
    // The clean row of image 0 against `cam --metrics` on that file and its label (ROAD's noise is
    // seeded with the image index, 0, and cam's seed 0). Tolerance: batch composition (1e-3).
    let row = try XCTUnwrap(rows.first { $0.image == 0 && $0.corruption == EvalRow.clean })
    let clean = try XCTUnwrap(row.faithfulness)
    let image = EvalTool.cifar.appendingPathComponent(row.path).path
    let cam = try EvalTool.run([
      "cam", "--model", "cifar10-resnet56", "--image", image, "--target", String(row.label), "--metrics", "--out", tmp.appendingPathComponent("m.npy").path,
    ])
    let line = try XCTUnwrap(cam.stdout.split(separator: "\n").last)
    XCTAssertTrue(line.hasPrefix("deletion_auc "), cam.stdout)
    let printed = line.split(separator: ",").map { Double($0.split(separator: " ").last!)! }
    XCTAssertEqual(printed.count, 3)
    for (a, b) in zip(printed, clean.values) { XCTAssertEqual(a, b, accuracy: 1e-3, line.description) }

    let csv = out.appendingPathComponent("results.csv").path
    let table = try EvalTool.run(["table", csv, "--metric", "road", "--format", "csv"])
    XCTAssertTrue(table.stdout.hasPrefix("Model,mean,mean_ci95,clean,clean_ci95,contrast,contrast_ci95\n"), table.stdout)
    let png = tmp.appendingPathComponent("deletion.png")
    try EvalTool.run(["plot", csv, "--metric", "deletion_auc", "--out", png.path])
    XCTAssertGreaterThan(try ImageFile.read(png).width, 500)
    // --faithfulness without --cam is a usage error.
    let r = try BuiltTool.run(["evaluate", "--data", EvalTool.cifar.path, "--faithfulness", "--out", tmp.appendingPathComponent("x").path])
    XCTAssertEqual(r.status, 64, r.stderr)
    XCTAssertTrue(r.stderr.contains("--faithfulness needs --cam"), r.stderr)
  }
}
