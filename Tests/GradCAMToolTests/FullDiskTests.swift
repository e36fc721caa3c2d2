import Foundation
import ToolTestSupport
import XCTest

/// The full-disk runs of the hostile-input run (issue 19, item 5) through the built `gradcam`,
/// with no file allowed past 100 KB (``Tool/runOnFullDisk(_:)``): each stops at the first failed
/// write with one line naming the file, and leaves nothing behind (no temporary file, no partial
/// folder) -- except `corrupt --data`, whose dataset folder is resumable by design: it stops at
/// the first failed write, keeps the finished files and says so.
final class FullDiskTests: XCTestCase {
  private var dir: URL!
  /// A 320 x 380 photo: its corrupted PNGs are well over 100 KB.
  static let photo = Tool.packageRoot.appendingPathComponent("examples/dog.png")

  override func setUpWithError() throws {
    dir = try Tool.temporaryDirectory()
    try FileManager.default.copyItem(at: Self.photo, to: url("in.png"))
  }

  override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

  private func url(_ name: String) -> URL { dir.appendingPathComponent(name) }
  private func path(_ name: String) -> String { url(name).path }
  private func tree() throws -> [String] { try FileManager.default.subpathsOfDirectory(atPath: dir.path).sorted() }

  /// Exit 1, one stderr line (besides `note:` lines about the input) naming `file` with "File
  /// too large" (EFBIG, as ENOSPC would be reported), and the `needles`.
  private func assertFull(_ run: ToolRun, _ file: String, _ needles: [String] = [], line: UInt = #line) {
    XCTAssertEqual(run.status, 1, run.stderr.suffix(600).description, line: line)
    let lines = run.stderr.split(separator: "\n").filter { !$0.hasPrefix("note: ") }
    XCTAssertEqual(lines.count, 1, "stderr is not one line:\n\(run.stderr.prefix(1500))", line: line)
    for needle in [file, "File too large"] + needles {
      XCTAssertTrue(run.stderr.contains(needle), "'\(needle)' not in: \(run.stderr)", line: line)
    }
  }

  func testConvertLeavesNoTemporaryFile() throws {
    let bundled = Tool.productsDirectory.appendingPathComponent("gradcam_Networks.resources/Resources/models/cifar10-resnet20.safetensors")
    try FileManager.default.copyItem(at: bundled, to: url("w.safetensors"))
    assertFull(try Tool.runOnFullDisk(["convert", path("w.safetensors"), path("out.safetensors")]), path("out.safetensors"))
    XCTAssertEqual(try tree(), ["in.png", "w.safetensors"])
  }

  func testCorruptOfSeveralCombinationsLeavesNoPartialFolder() throws {
    let run = try Tool.runOnFullDisk([
      "corrupt", "--image", path("in.png"), "--corruption", "gaussian_noise,contrast", "--severities", "1", "--out", path("c"),
    ])
    assertFull(run, path("c/"))
    XCTAssertEqual(try tree(), ["in.png"])
  }

  func testExplainWithMapsDirAndReportLeavesNoPartialTree() throws {
    let run = try Tool.runOnFullDisk([
      "explain", "--model", "cifar10-resnet20", "--image", path("in.png"), "--corruptions", "gaussian_noise", "--severities", "1",
      "--out", path("f.png"), "--maps-dir", path("maps"), "--report", path("r.json"), "--quiet",
    ])
    assertFull(run, dir.path)
    XCTAssertEqual(try tree(), ["in.png"])
  }

  func testCorruptDataStopsAtTheFirstFailedWrite() throws {
    try FileManager.default.createDirectory(at: url("data/dog"), withIntermediateDirectories: true)
    for i in 0..<4 { try FileManager.default.copyItem(at: Self.photo, to: url("data/dog/\(i).png")) }
    let run = try Tool.runOnFullDisk([
      "corrupt", "--data", path("data"), "--corruption", "gaussian_noise", "--severities", "1-5", "--png", "--out", path("c"), "--quiet",
    ])
    assertFull(run, path("c/"), ["stopped at this write error", "resumable", "cannot write "])
    // A failed write is not blamed on the image.
    XCTAssertFalse(run.stderr.contains("invalid image"), run.stderr)
    // No temporary file is left, and nothing was written after the failure (every PNG is too large).
    let written = try tree().filter { $0.hasPrefix("c/") && !$0.hasSuffix("/") }
    XCTAssertFalse(written.contains { $0.hasSuffix(".tmp") || $0.hasSuffix(".png") }, "\(written)")
  }
}
