import Checksums
import Evaluation
import GradCAM
import Foundation
import XCTest

final class RowTests: XCTestCase {
  private var dir: URL!

  override func setUpWithError() throws {
    dir = FileManager.default.temporaryDirectory.appendingPathComponent("rows-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  }

  override func tearDown() { try? FileManager.default.removeItem(at: dir) }

  func testCRC32() {
    XCTAssertEqual(CRC32.hex("123456789"), "cbf43926")
    XCTAssertEqual(CRC32.hex(""), "00000000")
  }

  func testRowRoundTripAndDamage() {
    let a = EvalRow(image: 7, corruption: "snow", severity: 3, label: 2, predicted: 2, confidence: 0.912345678,
                    shift: CAMShift(rankCorrelation: 0.5, topIoU: 0.25, centerShift: 1.5, entropyChange: -0.125))
    XCTAssertTrue(a.line.hasPrefix("7,snow,3,2,2,1,0.912346,0.500000,0.250000,1.500000,-0.125000,"))
    XCTAssertEqual(EvalRow.parse(a.line), a.canonical)
    let b = EvalRow(image: 0, corruption: "clean", severity: 0, label: 1, predicted: 4, confidence: 0.5)
    XCTAssertEqual(b.line, "0,clean,0,1,4,0,0.500000,,,,,,,,," + CRC32.hex("0,clean,0,1,4,0,0.500000,,,,,,,,"))
    XCTAssertEqual(EvalRow.parse(b.line), b)
    // The image path (quoted when it holds a comma or quote), and rows written before it existed.
    let c = EvalRow(image: 3, corruption: "fog", severity: 1, label: 0, predicted: 0, confidence: 1, path: "a,b/\"x\".png")
    XCTAssertEqual(c.line, "3,fog,1,0,0,1,1.000000,,,,,,,,\"a,b/\"\"x\"\".png\"," + CRC32.hex("3,fog,1,0,0,1,1.000000,,,,,,,,\"a,b/\"\"x\"\".png\""))
    XCTAssertEqual(EvalRow.parse(c.line), c)
    // Faithfulness scores (evaluate --cam --faithfulness).
    let d = EvalRow(image: 1, corruption: "fog", severity: 2, label: 0, predicted: 0, confidence: 1,
                    faithfulness: FaithfulnessScores(deletionAUC: 0.25, insertionAUC: 0.5, road: -1.5), path: "cat/1.png")
    XCTAssertTrue(d.line.hasPrefix("1,fog,2,0,0,1,1.000000,,,,,0.250000,0.500000,-1.500000,cat/1.png,"), d.line)
    XCTAssertEqual(EvalRow.parse(d.line), d)
    XCTAssertEqual(EvalRow.parse("0,clean,0,1,4,0,0.500000,,,,," + CRC32.hex("0,clean,0,1,4,0,0.500000,,,,")), b)
    // One changed character, a truncated line or a missing checksum is not a row.
    XCTAssertNil(EvalRow.parse(b.line.replacingOccurrences(of: "0,clean,0,1,4", with: "0,clean,0,1,3")))
    XCTAssertNil(EvalRow.parse(b.line.dropLast()))
    XCTAssertNil(EvalRow.parse("0,clean,0,1,4,0,0.500000,,,,"))
  }

  private func row(_ i: Int, _ c: String = "fog", _ s: Int = 1) -> EvalRow {
    EvalRow(image: i, corruption: c, severity: s, label: i % 10, predicted: (i * 7) % 10, confidence: Double(i) / 100)
  }

  func testRowLogDropsTornAndDuplicateLinesAndResumes() throws {
    let url = dir.appendingPathComponent("rows.csv")
    do {
      let log = try RowLog(url: url)
      try log.append([row(0), row(1), row(2)])
      try log.append([row(1)])  // already present: ignored
    }
    // Simulate damage: a duplicate line, a line with a flipped digit, and a torn final line.
    var text = try String(contentsOf: url, encoding: .utf8)
    let lines = text.split(separator: "\n")
    text += lines[1] + "\n"
    text += lines[2].replacingOccurrences(of: "1,fog", with: "9,fog") + "\n"
    text += String(row(3).line.prefix(12))
    try text.write(to: url, atomically: false, encoding: .utf8)

    let log = try RowLog(url: url)
    XCTAssertEqual(log.dropped, 3)
    XCTAssertEqual(log.rows, [row(0), row(1), row(2)].map(\.canonical))
    try log.append([row(3), row(2)])
    let reread = try RowLog.read(url)
    XCTAssertEqual(reread.dropped, 0)
    XCTAssertEqual(reread.rows, [row(0), row(1), row(2), row(3)].map(\.canonical))
  }

  /// Shards written as separate row files merge into exactly what one run writes.
  func testMergeEqualsUnshardedFromCounts() throws {
    var meta = RunMeta(
      model: "toy, v2", classes: 10, sourceKind: "imagefolder", source: "data", images: 23,
      corruptions: ["gaussian_noise", "snow"], severities: [1, 2], clean: true, seed: 0, profile: nil, cam: nil,
      baseline: .alexNet)
    let all = meta.expectedKeys().map { k in
      EvalRow(image: k.image, corruption: k.corruption, severity: k.severity, label: k.image % 10,
              predicted: (k.image * 3 + k.severity) % 10, confidence: Double((k.image * 37 + k.severity) % 100) / 97)
    }
    let single = dir.appendingPathComponent("single")
    try FileManager.default.createDirectory(at: single, withIntermediateDirectories: true)
    try Report.write(meta: meta, rows: all.reversed(), to: single)

    var shardDirs: [URL] = []
    for i in 0..<4 {
      meta.shardIndex = i
      meta.shardCount = 4
      let d = dir.appendingPathComponent("shard\(i)")
      try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
      try meta.write(to: d)
      let log = try RowLog(url: d.appendingPathComponent("rows.csv"))
      try log.append(all.filter { $0.image % 4 == i }.shuffled())
      shardDirs.append(d)
    }
    let merged = dir.appendingPathComponent("merged")
    let outcome = try Merge.run(shards: shardDirs.shuffled(), out: merged)
    XCTAssertEqual(outcome.missing, 0)
    for f in ["results.csv", "summary.json"] {
      XCTAssertEqual(try Data(contentsOf: merged.appendingPathComponent(f)), try Data(contentsOf: single.appendingPathComponent(f)), f)
    }
    XCTAssertTrue(outcome.summary.complete)

    // A missing shard is an error, unless allowed.
    XCTAssertThrowsError(try Merge.run(shards: Array(shardDirs.prefix(3)), out: dir.appendingPathComponent("m2")))
    let partial = try Merge.run(shards: Array(shardDirs.prefix(3)), out: dir.appendingPathComponent("m3"), allowIncomplete: true)
    XCTAssertFalse(partial.summary.complete)
    XCTAssertEqual(partial.missing, all.filter { $0.image % 4 == 3 }.count)
  }
}
