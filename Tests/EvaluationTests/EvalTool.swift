import Foundation
import TestFixtures
import ToolTestSupport
import XCTest

/// Runs the built `gradcam` executable, as a user would (ToolTestSupport), failing the test on a
/// non-zero exit.
enum EvalTool {
  static var executable: URL { BuiltTool.executable }

  static var cifar: URL { SharedFixtures.cifar10Test }

  @discardableResult
  static func run(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> ToolRun {
    let r = try BuiltTool.run(arguments)
    XCTAssertEqual(r.status, 0, "gradcam \(arguments.joined(separator: " ")): \(r.stderr)", file: file, line: line)
    return r
  }

  static func temporaryDirectory() throws -> URL { try BuiltTool.temporaryDirectory(prefix: "gradcam-eval") }
}
