import Foundation
import ToolTestSupport
import XCTest

/// Bad calls (shape mismatches, bad axes, wrong argument shapes) are programming errors that stop
/// the process, as in the standard library; these tests prove they stop with their message in the
/// configuration the tests run in (release included). Each case runs in the separate program
/// `autodiff-stop-cases` (Sources/AutodiffStopCases), built with the tests, and its stderr is read.
final class StopMessageTests: XCTestCase {
  /// The bad calls, by their name in `autodiff-stop-cases`, with the message each must print.
  static let messages: [String: String] = [
    "add": "add: shapes [2, 3] and [4] cannot be broadcast together (dimension 1: 3 vs 4)",
    "multiply": "multiply: shapes [5, 1, 4] and [3, 5] cannot be broadcast together (dimension 2: 4 vs 5)",
    "matmul": "matmul: inner dimensions differ: [2, 3] x [4, 5]",
    "matmul batch": "matmul: shapes [2] and [3] cannot be broadcast together (dimension 0: 2 vs 3)",
    "conv2d channels": "conv2d: input has 3 channels, weight [4, 2, 3, 3] expects 2 with 1 group(s)",
    "reshape": "reshape: cannot reshape [2, 3] (6 elements) to [4, 2]",
    "softmax axis": "softmax: axis 2 is out of range for rank 2",
    "dtype": "add: element types differ (float32 vs float64); convert one with .converted(to:)",
  ]

  func testBadCallsStopWithTheirMessage() throws {
    let program = BuiltTool.productsDirectory.appendingPathComponent("autodiff-stop-cases")
    XCTAssertTrue(FileManager.default.isExecutableFile(atPath: program.path), "\(program.path) was not built")
    for (name, message) in Self.messages.sorted(by: { $0.key < $1.key }) {
      let child = Process()
      child.executableURL = program
      child.arguments = [name]
      var environment = ProcessInfo.processInfo.environment
      environment["SWIFT_BACKTRACE"] = "enable=no"  // just the message, quickly
      child.environment = environment
      let stderr = Pipe()
      child.standardError = stderr
      child.standardOutput = FileHandle.nullDevice
      try child.run()
      let output = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      child.waitUntilExit()
      XCTAssertEqual(child.terminationReason, .uncaughtSignal, "\(name): \(output)")
      XCTAssertTrue(output.contains("Fatal error: \(message)"), "\(name): expected \"\(message)\" in:\n\(output)")
    }
  }

  /// The program refuses an unknown case with a usage error, so a misspelt name cannot pass.
  func testUnknownCaseIsAUsageError() throws {
    let child = Process()
    child.executableURL = BuiltTool.productsDirectory.appendingPathComponent("autodiff-stop-cases")
    child.arguments = ["no such case"]
    child.standardError = FileHandle.nullDevice
    try child.run()
    child.waitUntilExit()
    XCTAssertEqual(child.terminationReason, .exit)
    XCTAssertEqual(child.terminationStatus, 64)
  }
}
