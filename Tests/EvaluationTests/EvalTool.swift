import Foundation
import XCTest

/// Runs the built `gradcam` executable, as a user would.
enum EvalTool {
  struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  static var productsDirectory: URL {
    for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
      return bundle.bundleURL.deletingLastPathComponent()
    }
    return Bundle.main.bundleURL
  }

  static var executable: URL { productsDirectory.appendingPathComponent("gradcam") }

  static var packageRoot: URL {
    var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
      url = url.deletingLastPathComponent()
    }
    return url
  }

  static var cifar: URL {
    packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data/cifar10-test")
  }

  @discardableResult
  static func run(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> Run {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let r = Run(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    XCTAssertEqual(r.status, 0, "gradcam \(arguments.joined(separator: " ")): \(r.stderr)", file: file, line: line)
    return r
  }

  static func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("gradcam-eval-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
}
