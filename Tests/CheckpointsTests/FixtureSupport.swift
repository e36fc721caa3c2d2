import Foundation
import XCTest

/// Paths of this target's fixtures, found from this file's location.
enum Fixtures {
  static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  static let root = testsDirectory.appendingPathComponent("Fixtures")

  static func good(_ name: String) -> URL { root.appendingPathComponent("good").appendingPathComponent(name) }
  static func hostile(_ name: String) -> URL { root.appendingPathComponent("hostile").appendingPathComponent(name) }
  static func models(_ name: String) -> URL { root.appendingPathComponent("models").appendingPathComponent(name) }
  static func written(_ name: String) -> URL { root.appendingPathComponent("written").appendingPathComponent(name) }

  static func json(_ url: URL) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(contentsOf: url))
  }


  static func numbers(_ any: Any?) -> [Double] {
    (any as? [Any] ?? []).map { ($0 as? NSNumber)?.doubleValue ?? .nan }
  }

  static func ints(_ any: Any?) -> [Int] {
    (any as? [Any] ?? []).map { ($0 as? NSNumber)?.intValue ?? -1 }
  }

  static func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("ckpt-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
}

/// Asserts that two value lists are equal, element by element (NaN == NaN).
func assertValuesEqual(_ actual: [Double], _ expected: [Double], _ what: String, file: StaticString = #filePath,
                       line: UInt = #line) {
  XCTAssertEqual(actual.count, expected.count, "\(what): count", file: file, line: line)
  for (i, (a, e)) in zip(actual, expected).enumerated() {
    let same = a == e || (a.isNaN && e.isNaN) || abs(a - e) <= 1e-15 * max(abs(a), abs(e))
    if !same {
      XCTFail("\(what)[\(i)]: \(a) != \(e)", file: file, line: line)
      return
    }
  }
}
