import Autodiff
import AutodiffTestSupport
import Foundation
import XCTest

/// Bad calls (shape mismatches, bad axes, wrong argument shapes) are programming errors that stop
/// the process, as in the standard library; these tests prove they stop with their message in the
/// configuration the tests run in (release included). Each case runs in a child copy of this test
/// binary, selected by the environment variable `AUTODIFF_STOP_CASE`, and its stderr is read.
final class StopMessageTests: XCTestCase {
  /// The bad calls, by name, with the message each must print.
  static let cases: [String: (run: () -> Void, message: String)] = [
    "add": ({ _ = Tensor.zeros([2, 3]) + Tensor.zeros([4]) },
            "add: shapes [2, 3] and [4] cannot be broadcast together (dimension 1: 3 vs 4)"),
    "multiply": ({ _ = Tensor.zeros([5, 1, 4]) * Tensor.zeros([3, 5]) },
                 "multiply: shapes [5, 1, 4] and [3, 5] cannot be broadcast together (dimension 2: 4 vs 5)"),
    "matmul": ({ _ = matmul(Tensor.zeros([2, 3]), Tensor.zeros([4, 5])) },
               "matmul: inner dimensions differ: [2, 3] x [4, 5]"),
    "matmul batch": ({ _ = matmul(Tensor.zeros([2, 2, 3]), Tensor.zeros([3, 3, 5])) },
                     "matmul: shapes [2] and [3] cannot be broadcast together (dimension 0: 2 vs 3)"),
    "conv2d channels": ({ _ = conv2d(Tensor.zeros([1, 3, 5, 5]), weight: Tensor.zeros([4, 2, 3, 3])) },
                        "conv2d: input has 3 channels, weight [4, 2, 3, 3] expects 2 with 1 group(s)"),
    "reshape": ({ _ = Tensor.zeros([2, 3]).reshaped([4, 2]) },
                "reshape: cannot reshape [2, 3] (6 elements) to [4, 2]"),
    "softmax axis": ({ _ = softmax(Tensor.zeros([2, 3]), axis: 2) },
                     "softmax: axis 2 is out of range for rank 2"),
    "dtype": ({ _ = Tensor.zeros([2]) + Tensor.zeros([2], dtype: .float64) },
              "add: element types differ (float32 vs float64); convert one with .converted(to:)"),
  ]

  /// Runs the case named by `AUTODIFF_STOP_CASE` (in the child process); does nothing otherwise.
  func testChildProcessEntry() {
    guard let name = ProcessInfo.processInfo.environment["AUTODIFF_STOP_CASE"] else { return }
    Self.cases[name]!.run()
    FileHandle.standardError.write("case \(name) did not stop\n".data(using: .utf8)!)
  }

  func testBadCallsStopWithTheirMessage() throws {
    let binary = URL(fileURLWithPath: CommandLine.arguments[0])
    guard binary.lastPathComponent.hasSuffix(".xctest"),
          FileManager.default.isExecutableFile(atPath: binary.path) else {
      throw XCTSkip("the test binary cannot be rerun as a child process here (\(binary.path))")
    }
    for (name, c) in Self.cases.sorted(by: { $0.key < $1.key }) {
      let child = Process()
      child.executableURL = binary
      child.arguments = ["AutodiffTests.StopMessageTests/testChildProcessEntry"]
      var environment = ProcessInfo.processInfo.environment
      environment["AUTODIFF_STOP_CASE"] = name
      environment["SWIFT_BACKTRACE"] = "enable=no"  // just the message, quickly
      child.environment = environment
      let stderr = Pipe()
      child.standardError = stderr
      child.standardOutput = FileHandle.nullDevice
      try child.run()
      let output = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      child.waitUntilExit()
      XCTAssertEqual(child.terminationReason, .uncaughtSignal, "\(name): \(output)")
      XCTAssertTrue(output.contains("Fatal error: \(c.message)"), "\(name): expected \"\(c.message)\" in:\n\(output)")
    }
  }
}
