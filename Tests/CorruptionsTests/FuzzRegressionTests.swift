import Corruptions
import Foundation
import XCTest

/// Inputs that crashed a fuzz target (Fuzz/harness/*.swift), kept so they stay fixed.
/// Files in Fixtures/regressions are named `<target>_<what>.txt`.
final class CorruptionsFuzzRegressionTests: XCTestCase {
  private func regressions(_ prefix: String) throws -> [URL] {
    let dir = Fixtures.url("regressions")
    return try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)
      .filter { $0.lastPathComponent.hasPrefix(prefix) }.sorted { $0.path < $1.path }
  }

  func testSeverityListRegressions() throws {
    let files = try regressions("severity_list_")
    XCTAssertFalse(files.isEmpty)
    for file in files {
      let text = String(decoding: try Data(contentsOf: file), as: UTF8.self)
      // Used to build Array(999911...519999999911) and die; must be a one-line error.
      XCTAssertThrowsError(try Severity.parseList(text), file.lastPathComponent) { e in
        XCTAssertTrue("\(e)".contains("severities are integers 1 to 5"), "\(e)")
        XCTAssertFalse("\(e)".contains("\n"))
      }
    }
  }

  func testHugeSeverityRangesAreErrors() {
    for bad in ["1-99999999999", "0-5", "1-6", "-3-4", "5-9223372036854775807", "3-2"] {
      XCTAssertThrowsError(try Severity.parseList(bad), bad)
    }
    XCTAssertEqual(try Severity.parseList("5-5"), [5])
  }
}
