import Foundation
import ToolTestSupport

/// The built `gradcam` executable, run as a user would (ToolTestSupport).
enum Tool {
  static var productsDirectory: URL { BuiltTool.productsDirectory }
  static var packageRoot: URL { BuiltTool.packageRoot }

  /// Runs `gradcam` with arguments and returns its exit status and output.
  static func run(_ arguments: [String], in directory: URL? = nil) throws -> ToolRun {
    try BuiltTool.run(arguments, in: directory)
  }

  /// Runs `gradcam` as on a nearly full disk: no file may grow past 100 KB (`ulimit -f 200` in
  /// dash's 512-byte blocks; 200 KB where the shell counts 1024-byte blocks), and SIGXFSZ is
  /// ignored, so a longer write fails with EFBIG ("File too large") as it would with ENOSPC.
  static func runOnFullDisk(_ arguments: [String]) throws -> ToolRun {
    try BuiltTool.runProgram(
      URL(fileURLWithPath: "/bin/sh"), ["-c", "trap '' XFSZ; ulimit -f 200; exec \"$0\" \"$@\"", BuiltTool.executable.path] + arguments)
  }

  /// A fresh temporary folder.
  static func temporaryDirectory() throws -> URL { try BuiltTool.temporaryDirectory(prefix: "gradcam-tool") }
}
