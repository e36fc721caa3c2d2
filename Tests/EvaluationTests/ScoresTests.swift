import Evaluation
import Foundation
import XCTest

final class ScoresTests: XCTestCase {
  /// Cells of `images` images with `wrong` errors each.
  private func cell(_ c: String, _ s: Int, wrong: Int, of images: Int = 10) -> CellCounts {
    CellCounts(corruption: c, severity: s, images: images, correct: images - wrong, confidenceSum: 0)
  }

  /// A hand-computed example (two benchmark corruptions, two severities):
  /// baseline clean 0.40; gaussian_noise 0.5, 0.7; snow 0.6, 0.8.
  /// model clean 0.1; gaussian_noise 0.2, 0.4; snow 0.3, 0.2.
  /// CE: (0.2+0.4)/(0.5+0.7) = 50 %, (0.3+0.2)/(0.6+0.8) = 35.714… %, mCE = 42.857… %.
  /// Relative CE: (0.1+0.3)/(0.1+0.3) = 100 %, (0.2+0.1)/(0.2+0.4) = 50 %, relative mCE = 75 %.
  func testHandComputedMCE() {
    let baseline = Baseline(
      name: "toy", clean: 0.40, errors: ["gaussian_noise": [1: 0.5, 2: 0.7], "snow": [1: 0.6, 2: 0.8]])
    let scores = Scores(
      cells: [cell("snow", 2, wrong: 2), cell("clean", 0, wrong: 1), cell("gaussian_noise", 1, wrong: 2),
              cell("gaussian_noise", 2, wrong: 4), cell("snow", 1, wrong: 3)],
      baseline: baseline)
    XCTAssertEqual(scores.corruptions.map(\.corruption), ["gaussian_noise", "snow"])
    XCTAssertEqual(scores.cleanError!, 0.1, accuracy: 1e-12)
    XCTAssertEqual(scores.corruptions[0].ce!, 50, accuracy: 1e-9)
    XCTAssertEqual(scores.corruptions[1].ce!, 100 * 0.5 / 1.4, accuracy: 1e-9)
    XCTAssertEqual(scores.mCE!, (50 + 100 * 0.5 / 1.4) / 2, accuracy: 1e-9)
    XCTAssertEqual(scores.mCE!, 42.857142857, accuracy: 1e-6)
    XCTAssertEqual(scores.corruptions[0].relativeCE!, 100, accuracy: 1e-9)
    XCTAssertEqual(scores.corruptions[1].relativeCE!, 50, accuracy: 1e-9)
    XCTAssertEqual(scores.relativeMCE!, 75, accuracy: 1e-9)
    XCTAssertEqual(scores.meanCorruptionError!, (0.3 + 0.25) / 2, accuracy: 1e-12)
    XCTAssertEqual(scores.corruptions[0].meanError, 0.3, accuracy: 1e-12)
    // snow: 0.3 at severity 1, 0.2 at 2: error fell as severity rose.
    XCTAssertEqual(scores.corruptions[0].nonMonotonicAt, [])
    XCTAssertEqual(scores.corruptions[1].nonMonotonicAt, [1])
    XCTAssertEqual(scores.mCECorruptions, ["gaussian_noise", "snow"])
  }

  /// AlexNet scored against itself has mCE = relative mCE = 100, and the paper's non-monotonic
  /// steps (snow, elastic, saturate at 2 -> 3) are flagged.
  func testAlexNetAgainstItselfIs100() {
    let n = 100_000
    var cells = [CellCounts(corruption: "clean", severity: 0, images: n, correct: n - 43_478, confidenceSum: 0)]
    for (c, table) in Baseline.alexNet.errors {
      for (s, e) in table { cells.append(CellCounts(corruption: c, severity: s, images: n, correct: n - Int((e * Double(n)).rounded()), confidenceSum: 0)) }
    }
    let scores = Scores(cells: cells, baseline: .alexNet)
    XCTAssertEqual(scores.mCECorruptions.count, 15)
    XCTAssertEqual(scores.mCE!, 100, accuracy: 1e-9)
    XCTAssertEqual(scores.relativeMCE!, 100, accuracy: 1e-9)
    let flagged = scores.corruptions.filter { !$0.nonMonotonicAt.isEmpty }.map { "\($0.corruption)@\($0.nonMonotonicAt)" }
    XCTAssertEqual(Set(flagged), ["snow@[2]", "elastic_transform@[2]", "saturate@[2]"])
    // The CIFAR convention: mean error over the 15 benchmark corruptions only.
    let bench = Baseline.alexNet.errors.filter { !["speckle_noise", "gaussian_blur", "spatter", "saturate"].contains($0.key) }
    let mean = bench.values.map { $0.values.reduce(0, +) / 5 }.reduce(0, +) / 15
    XCTAssertEqual(scores.meanCorruptionError!, mean, accuracy: 1e-9)
  }

  func testNoBaselineGivesNoCE() {
    let scores = Scores(cells: [cell("clean", 0, wrong: 1), cell("fog", 1, wrong: 2)], baseline: nil)
    XCTAssertNil(scores.mCE)
    XCTAssertNil(scores.corruptions[0].ce)
    XCTAssertEqual(scores.meanCorruptionError!, 0.2, accuracy: 1e-12)
  }

  func testBaselineCSV() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("baseline-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("b.csv")
    try "corruption,severity,error\nclean,0,40\nfog,1,50\nfog,2,70\n".write(to: url, atomically: true, encoding: .utf8)
    let b = try Baseline.read(url)
    XCTAssertEqual(b.clean!, 0.4, accuracy: 1e-12)
    XCTAssertEqual(b.error("fog", 2)!, 0.7, accuracy: 1e-12)
  }

  func testTableFormats() throws {
    let m = ModelResults(model: "toy_net", cells: [cell("clean", 0, wrong: 1), cell("gaussian_noise", 1, wrong: 5)])
    let md = try ResultsTable.render([m], metric: .error, format: .markdown, baseline: nil)
    XCTAssertEqual(md, "| Model | Clean | mean | Gaussian noise |\n|---|---:|---:|---:|\n| toy_net | 10.0 | 50.0 | 50.0 |\n")
    let tex = try ResultsTable.render([m], metric: .ce, format: .latex, baseline: .alexNet)
    XCTAssertTrue(tex.contains("toy\\_net & 10.0 & 71.9 &"), tex)  // 0.5 / 0.69528 = 71.9 %
  }
}
