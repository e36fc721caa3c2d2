import Foundation
import TestFixtures
import XCTest

/// `gradcam predict` and `gradcam convert` run as a user runs them.
final class PredictAndConvertTests: XCTestCase {
  var images: [String] {
    ["airplane/00003.png", "dog/00012.png", "ship/00001.png"].map { SharedFixtures.cifarImage($0).path }
  }

  func testPredictWithTheBundledCIFARModel() throws {
    let r = try Tool.run(["predict", "--model", "cifar10-resnet56", "--topk", "2"] + images)
    XCTAssertEqual(r.status, 0, r.stderr)
    let lines = r.stdout.split(separator: "\n")
    XCTAssertEqual(lines.count, 3)
    XCTAssertTrue(lines[0].contains("00003.png: airplane"), String(lines[0]))
    XCTAssertTrue(lines[1].contains("00012.png: dog"), String(lines[1]))
  }

  func testPredictWritesCSVForAFolder() throws {
    let dir = try Tool.temporaryDirectory()
    let csv = dir.appendingPathComponent("out.csv")
    let r = try Tool.run(["predict", "--model", "cifar10-resnet56", SharedFixtures.cifarImage("cat").path, "--csv", csv.path, "--quiet"])
    XCTAssertEqual(r.status, 0, r.stderr)
    let rows = try String(contentsOf: csv, encoding: .utf8).split(separator: "\n")
    XCTAssertEqual(rows.first, "path,top1_index,top1_class,top1_probability,top2_index,top2_class,top2_probability,top3_index,top3_class,top3_probability,top4_index,top4_class,top4_probability,top5_index,top5_class,top5_probability")
    XCTAssertGreaterThan(rows.count, 50)
  }

  func testConvertedCheckpointGivesTheSamePredictions() throws {
    let dir = try Tool.temporaryDirectory()
    let out = dir.appendingPathComponent("r20.safetensors")
    let c = try Tool.run(["convert", SharedFixtures.model("cifar10-resnet20.th").path, out.path])
    XCTAssertEqual(c.status, 0, c.stderr)
    let fromFile = try Tool.run(["predict", "--arch", "cifar_resnet20", "--weights", out.path, "--strict"] + images)
    let fromLegacy = try Tool.run(["predict", "--arch", "cifar_resnet20", "--weights", SharedFixtures.model("cifar10-resnet20.th").path] + images)
    let bundled = try Tool.run(["predict", "--model", "cifar10-resnet20"] + images)
    XCTAssertEqual(fromFile.status, 0, fromFile.stderr)
    XCTAssertEqual(fromFile.stdout, fromLegacy.stdout)
    XCTAssertEqual(fromFile.stdout, bundled.stdout)
  }

  func testBadInputGivesOneLineErrorsAndNonZeroExit() throws {
    let dir = try Tool.temporaryDirectory()
    let missing = try Tool.run(["predict", dir.appendingPathComponent("nope.png").path])
    XCTAssertEqual(missing.status, 1)
    XCTAssertEqual(missing.stderr.split(separator: "\n").count, 1, missing.stderr)
    XCTAssertTrue(missing.stderr.contains("nope.png: no such file or folder"), missing.stderr)

    let notImage = dir.appendingPathComponent("fake.png")
    try Data("hello".utf8).write(to: notImage)
    let bad = try Tool.run(["predict", notImage.path])
    XCTAssertNotEqual(bad.status, 0)
    XCTAssertTrue(bad.stderr.contains("fake.png"), bad.stderr)

    let unknown = try Tool.run(["predict", "--model", "cifar10-resnet57"] + images)
    XCTAssertNotEqual(unknown.status, 0)
    XCTAssertTrue(unknown.stderr.contains("did you mean 'cifar10-resnet56'"), unknown.stderr)

    // A pickle that would call os.system if it were unpickled by Python: refused, nothing written.
    let evil = dir.appendingPathComponent("evil.pth")
    let pickle: [UInt8] = [0x80, 0x02] + Array("cos\nsystem\n".utf8) + [0x58, 5, 0, 0, 0] + Array("touch".utf8) + [0x85, 0x52, 0x2E]
    try Data(pickle).write(to: evil)
    let out = dir.appendingPathComponent("evil.safetensors")
    let refused = try Tool.run(["convert", evil.path, out.path])
    XCTAssertNotEqual(refused.status, 0)
    XCTAssertTrue(refused.stderr.contains("os") && refused.stderr.contains("system"), refused.stderr)
    XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
  }
}
