import Foundation
import ToolTestSupport

/// Debian's Chromium, headless, for testing the HTML report in a real browser.
///
/// Installed with `apt-get install -y chromium` when missing (`apt-get update` first if the
/// package is not found). Runs as root need `--no-sandbox`. Each run gets its own profile
/// folder, so parallel runs do not share a lock.
enum HeadlessChromium {
  struct Failure: Error, CustomStringConvertible {
    let description: String
  }

  static let candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]

  /// The browser, installed first if needed; throws (never skips) when it cannot be had.
  static func executable() throws -> URL {
    if let path = candidates.first(where: FileManager.default.isExecutableFile(atPath:)) { return URL(fileURLWithPath: path) }
    let apt = URL(fileURLWithPath: "/usr/bin/apt-get")
    let environment = ["DEBIAN_FRONTEND": "noninteractive"]
    var install = try BuiltTool.runProgram(apt, ["install", "-y", "chromium"], environment: environment)
    if install.status != 0 {
      _ = try BuiltTool.runProgram(apt, ["update"], environment: environment)
      install = try BuiltTool.runProgram(apt, ["install", "-y", "chromium"], environment: environment)
    }
    guard let path = candidates.first(where: FileManager.default.isExecutableFile(atPath:)) else {
      throw Failure(description: "chromium is missing and apt-get install -y chromium failed: \(install.stderr.suffix(400))")
    }
    return URL(fileURLWithPath: path)
  }

  /// Opens `page` (with `fragment` after `#`), lets its scripts run for up to 30 s of virtual
  /// time, and runs the given output option (`--dump-dom`, `--screenshot=...`).
  static func run(_ page: URL, fragment: String?, _ output: [String]) throws -> ToolRun {
    let browser = try executable()
    let profile = try BuiltTool.temporaryDirectory(prefix: "chromium-profile")
    defer { try? FileManager.default.removeItem(at: profile) }
    var url = page.absoluteString
    if let fragment { url += "#" + fragment }
    let arguments = [
      "180", browser.path, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
      "--user-data-dir=\(profile.path)", "--window-size=1400,1000", "--virtual-time-budget=30000",
    ] + output + [url]
    let r = try BuiltTool.runProgram(URL(fileURLWithPath: "/usr/bin/timeout"), arguments)
    guard r.status == 0 else {
      throw Failure(description: "chromium exited with \(r.status): \(r.stderr.suffix(600))")
    }
    return r
  }

  /// The DOM after the page's scripts ran.
  static func dumpDOM(_ page: URL, fragment: String? = nil) throws -> String {
    try run(page, fragment: fragment, ["--dump-dom"]).stdout
  }

  /// A 1400x1000 screenshot as PNG.
  static func screenshot(_ page: URL, fragment: String? = nil, to file: URL) throws {
    _ = try run(page, fragment: fragment, ["--screenshot=\(file.path)"])
  }
}
