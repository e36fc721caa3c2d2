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

  /// A fresh temporary folder.
  static func temporaryDirectory() throws -> URL { try BuiltTool.temporaryDirectory(prefix: "gradcam-tool") }
}
