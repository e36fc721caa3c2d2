import Foundation
import TestFixtures
import ToolTestSupport
import XCTest

#if canImport(Glibc)
  import Glibc
#endif

/// `gradcam corrupt --data` killed with SIGKILL at random moments, then resumed, must end with
/// exactly the tree of an uninterrupted run: same files, same bytes, no temporary files.
final class KillResumeTests: XCTestCase {
  /// A small ImageFolder of CIFAR-10 test images: 3 classes x 6 images.
  private func makeImageFolder(_ root: URL) throws {
    let source = SharedFixtures.cifar10Test
    for cls in ["cat", "dog", "ship"] {
      let files = try FileManager.default.contentsOfDirectory(atPath: source.appendingPathComponent(cls).path)
        .filter { $0.hasSuffix(".png") }.sorted().prefix(6)
      let dir = root.appendingPathComponent(cls)
      try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
      for f in files {
        try FileManager.default.copyItem(
          at: source.appendingPathComponent(cls).appendingPathComponent(f), to: dir.appendingPathComponent(f))
      }
    }
  }

  /// Every file under `root` (hidden ones included) with its bytes, by relative path.
  private func tree(_ root: URL) throws -> [String: Data] {
    var out: [String: Data] = [:]
    let prefix = root.standardizedFileURL.path + "/"
    guard let e = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else { return out }
    for case let url as URL in e {
      guard (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true else { continue }
      out[String(url.standardizedFileURL.path.dropFirst(prefix.count))] = try Data(contentsOf: url)
    }
    return out
  }

  private func corrupt(_ data: URL, _ out: URL) -> [String] {
    [
      "corrupt", "--data", data.path, "--out", out.path, "--corruption", "gaussian_noise,glass_blur,fog,pixelate,zoom_blur,frost",
      "--severities", "1,5", "--quiet",
    ]
  }

  /// Starts `gradcam corrupt`, sends SIGKILL after `delay` seconds (if still running).
  private func runAndKill(_ arguments: [String], after delay: TimeInterval) throws -> Bool {
    let process = Process()
    process.executableURL = BuiltTool.executable
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    Thread.sleep(forTimeInterval: delay)
    let killed = process.isRunning && kill(process.processIdentifier, SIGKILL) == 0
    process.waitUntilExit()
    return killed && process.terminationReason == .uncaughtSignal
  }

  func testKilledDatasetBuildResumesToTheSameTree() throws {
    let scratch = try Tool.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: scratch) }
    let data = scratch.appendingPathComponent("data")
    try makeImageFolder(data)

    // The reference: one uninterrupted run.
    let reference = scratch.appendingPathComponent("reference")
    let start = Date()
    let full = try Tool.run(corrupt(data, reference))
    let duration = Date().timeIntervalSince(start)
    XCTAssertEqual(full.status, 0, full.stderr)
    let expected = try tree(reference)
    XCTAssertEqual(expected.count, 6 * 2 * 18)
    XCTAssertTrue(expected.keys.allSatisfy { !$0.hasSuffix(".tmp") })

    // Killed several times at random points of a run (a run that finishes before its kill
    // starts the series again from an empty folder), then run to the end.
    let out = scratch.appendingPathComponent("killed")
    var generator = SystemRandomNumberGenerator()
    var kills = 0
    for _ in 0..<16 where kills < 4 {
      let delay = Double.random(in: 0.02...max(0.05, duration * 0.5), using: &generator)
      if try runAndKill(corrupt(data, out), after: delay) {
        kills += 1
      } else {
        try? FileManager.default.removeItem(at: out)
      }
    }
    // At least one kill must land mid-run (timing on a loaded machine varies; the planted
    // temporary file below tests the cleanup whatever the kills hit).
    XCTAssertGreaterThanOrEqual(kills, 1, "runs finished before they were killed (an uninterrupted run took \(duration) s)")
    let partial = try tree(out)
    XCTAssertLessThanOrEqual(partial.filter { !$0.key.hasSuffix(".tmp") }.count, expected.count)
    // Whatever a killed run left must be complete files only.
    for (path, bytes) in partial where !path.hasSuffix(".tmp") {
      XCTAssertEqual(bytes, expected[path], "partial or different file after SIGKILL: \(path)")
    }
    // A killed writer's temporary file (as ImageFile names them: .<name>.<pid>.<uuid>.tmp, the
    // pid of a process that has exited) must be cleaned up by the resumed run, even if no kill
    // above happened to land inside a write.
    let exited = Process()
    exited.executableURL = URL(fileURLWithPath: "/bin/true")
    try exited.run()
    exited.waitUntilExit()
    let classDir = out.appendingPathComponent("fog/5/dog")
    try FileManager.default.createDirectory(at: classDir, withIntermediateDirectories: true)
    let stale = classDir.appendingPathComponent(".00012.jpg.\(exited.processIdentifier).\(UUID().uuidString).tmp")
    try Data("partial".utf8).write(to: stale)
    let resumed = try Tool.run(corrupt(data, out))
    XCTAssertEqual(resumed.status, 0, resumed.stderr)
    let final = try tree(out)
    XCTAssertEqual(final.keys.sorted(), expected.keys.sorted(), "file lists differ (temporary files left?)")
    for (path, bytes) in expected {
      XCTAssertEqual(final[path], bytes, "bytes differ: \(path)")
    }
  }
}
