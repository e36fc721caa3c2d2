import Foundation
import XCTest

/// Runs the built `gradcam` executable, as a user would.
struct ToolRun {
  var status: Int32
  var stdout: String
  var stderr: String
}

enum Tool {
  /// The folder holding the built products (next to the test bundle).
  static var productsDirectory: URL {
    for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
      return bundle.bundleURL.deletingLastPathComponent()
    }
    return Bundle.main.bundleURL
  }

  /// The package root, for ../shared and examples.
  static var packageRoot: URL {
    var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
      url = url.deletingLastPathComponent()
    }
    return url
  }

  static var shared: URL { packageRoot.deletingLastPathComponent().appendingPathComponent("shared") }

  /// Runs `gradcam` with arguments and returns its exit status and output.
  static func run(_ arguments: [String], in directory: URL? = nil) throws -> ToolRun {
    let process = Process()
    process.executableURL = productsDirectory.appendingPathComponent("gradcam")
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Read before waiting so a full pipe cannot block the child.
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ToolRun(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
  }

  /// A fresh temporary folder.
  static func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("gradcam-tool-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
}
