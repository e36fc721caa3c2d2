import Foundation

/// What one run of the `gradcam` executable gave.
public struct ToolRun: Sendable {
  public var status: Int32
  public var stdout: String
  public var stderr: String

  public init(status: Int32, stdout: String, stderr: String) {
    self.status = status
    self.stdout = stdout
    self.stderr = stderr
  }
}

/// The built `gradcam` executable, run as a user would, for the test targets that check the
/// commands end to end (GradCAMToolTests, EvaluationTests, ZooTests).
public enum BuiltTool {
  /// The folder holding the built products (next to the test bundle).
  public static var productsDirectory: URL {
    for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
      return bundle.bundleURL.deletingLastPathComponent()
    }
    return Bundle.main.bundleURL
  }

  /// The `gradcam` executable.
  public static var executable: URL { productsDirectory.appendingPathComponent("gradcam") }

  /// The package root, for examples.
  public static var packageRoot: URL {
    var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
      url = url.deletingLastPathComponent()
    }
    return url
  }

  /// Runs `gradcam` with `arguments` (in `directory`, with `environment` added to this process's)
  /// and returns its exit status and output.
  public static func run(
    _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]
  ) throws -> ToolRun {
    try runProgram(executable, arguments, in: directory, environment: environment)
  }

  /// Runs any program (a browser, apt-get) the same way.
  public static func runProgram(
    _ program: URL, _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]
  ) throws -> ToolRun {
    let process = Process()
    process.executableURL = program
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    if !environment.isEmpty {
      process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
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

  /// A fresh temporary folder whose name starts with `prefix`.
  public static func temporaryDirectory(prefix: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
}
