import Foundation
import Render
import XCTest

/// Writes preview figures when `RENDER_PREVIEW_DIR` is set (for looking at them by eye).
final class PreviewTests: XCTestCase {
  func testWritePreviews() throws {
    guard let dir = ProcessInfo.processInfo.environment["RENDER_PREVIEW_DIR"] else {
      throw XCTSkip("set RENDER_PREVIEW_DIR to write preview figures")
    }
    let out = URL(fileURLWithPath: dir)
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    var options = HeatmapGridOptions()
    options.pixelsPerPoint = 2
    let small = Sample.grid(rows: 4, imageSize: 64)
    try small.write(to: out.appendingPathComponent("grid4.png"), options: options)
    try Sample.grid(rows: 19, imageSize: 64, blocks: 1).write(to: out.appendingPathComponent("grid19.png"), options: options)
    try small.write(to: out.appendingPathComponent("grid4.pdf"), options: options)
    try small.write(to: out.appendingPathComponent("grid4.svg"), options: options)
    var shared = options
    shared.scale = .sharedAuto
    shared.difference = .againstColumn(0)
    try Sample.grid(rows: 3, imageSize: 64, blocks: 2).write(to: out.appendingPathComponent("grid-diff.png"), options: shared)
  }
}
