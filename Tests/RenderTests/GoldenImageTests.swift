import Foundation
import Imaging
import Render
import XCTest

/// Compares rendered figures with committed PNG goldens in `Fixtures/goldens/`.
///
/// Text is not compared pixel by pixel (font rasterisation may vary): pixels inside the text
/// boxes of the layout are masked, and each masked box only has to contain ink in both images.
/// Everything else (images, overlays, markers, frames, colour bars) must match within a small
/// tolerance. Re-record with `RECORD_GOLDENS=1 swift test -c release --filter RenderTests`.
final class GoldenImageTests: XCTestCase {
  private static let recording = ProcessInfo.processInfo.environment["RECORD_GOLDENS"] == "1"

  private func tinyGrid() -> HeatmapGrid {
    var grid = Sample.grid(rows: 2, columns: 3, imageSize: 16)
    grid.title = "Tiny grid"
    grid.subtitle = "golden test"
    return grid
  }

  private var tinyOptions: HeatmapGridOptions {
    var o = HeatmapGridOptions()
    o.cellSize = 40
    o.pixelsPerPoint = 1.5
    return o
  }

  func testTinyGridPerCell() throws {
    try assertGolden(tinyGrid(), tinyOptions, name: "tiny_grid")
  }

  func testTinyGridSharedScaleWithDifference() throws {
    var o = tinyOptions
    o.scale = .shared(min: 0, max: 1)
    o.difference = .againstColumn(0)
    o.colorMap = .viridis
    try assertGolden(tinyGrid(), o, name: "tiny_grid_diff")
  }

  /// The comparison is not vacuous: a different colour map is caught.
  func testComparisonDetectsAWrongColourMap() throws {
    var o = tinyOptions
    o.colorMap = .turbo
    let image = try tinyGrid().renderImage(options: o)
    let golden = try CairoPNG.read(contentsOf: Sample.fixtures.appendingPathComponent("goldens/tiny_grid.png"))
    XCTAssertEqual(image.width, golden.width)
    let r = compare(image, golden, layout: try tinyGrid().layout(options: o), scale: o.pixelsPerPoint)
    XCTAssertGreaterThan(r.bad, r.compared / 500)
  }

  private func assertGolden(
    _ grid: HeatmapGrid, _ options: HeatmapGridOptions, name: String,
    file: StaticString = #filePath, line: UInt = #line
  ) throws {
    let image = try grid.renderImage(options: options)
    let layout = try grid.layout(options: options)
    let url = Sample.fixtures.appendingPathComponent("goldens/\(name).png")
    if Self.recording {
      try CairoPNG.write(image, to: url)
      return
    }
    guard FileManager.default.fileExists(atPath: url.path) else {
      return XCTFail("missing golden \(url.path): run with RECORD_GOLDENS=1", file: file, line: line)
    }
    let golden = try CairoPNG.read(contentsOf: url)
    guard golden.width == image.width, golden.height == image.height else {
      return XCTFail(
        "size \(image.width)x\(image.height) != golden \(golden.width)x\(golden.height) (font metrics changed?)",
        file: file, line: line)
    }
    let r = compare(image, golden, layout: layout, scale: options.pixelsPerPoint)
    for text in r.missingInk { XCTFail("no ink for '\(text)'", file: file, line: line) }
    XCTAssertGreaterThan(r.compared, image.width * image.height / 2, file: file, line: line)
    XCTAssertLessThanOrEqual(
      r.bad, r.compared / 500, "\(r.bad) of \(r.compared) pixels differ by > 16", file: file, line: line)
    XCTAssertLessThan(r.meanAbs, 0.5, "mean abs difference", file: file, line: line)
  }

  /// Pixel comparison outside text boxes (grown by 1.5 pt); text boxes must hold ink in both.
  private func compare(_ image: RGBImage, _ golden: RGBImage, layout: HeatmapGridLayout, scale s: Double)
    -> (compared: Int, bad: Int, meanAbs: Double, missingInk: [String])
  {
    var mask = [Bool](repeating: false, count: image.width * image.height)
    var missing: [String] = []
    func pixels(_ r: LayoutRect, grow: Double) -> (ClosedRange<Int>, ClosedRange<Int>)? {
      let x0 = max(0, Int(((r.x - grow) * s).rounded(.down)))
      let y0 = max(0, Int(((r.y - grow) * s).rounded(.down)))
      let x1 = min(image.width - 1, Int(((r.maxX + grow) * s).rounded(.up)))
      let y1 = min(image.height - 1, Int(((r.maxY + grow) * s).rounded(.up)))
      return x0 <= x1 && y0 <= y1 ? (x0...x1, y0...y1) : nil
    }
    for t in layout.texts {
      guard let (xs, ys) = pixels(t.rect, grow: 1.5) else { continue }
      for y in ys { for x in xs { mask[y * image.width + x] = true } }
      func ink(_ img: RGBImage) -> Bool {
        for y in ys { for x in xs where min(img[x, y].r, img[x, y].g, img[x, y].b) < 160 { return true } }
        return false
      }
      if !ink(image) || !ink(golden) { missing.append(t.text) }
    }
    var compared = 0, bad = 0, total = 0
    for i in 0..<(image.width * image.height) where !mask[i] {
      compared += 1
      var worst = 0
      for c in 0..<3 {
        let d = abs(Int(image.pixels[3 * i + c]) - Int(golden.pixels[3 * i + c]))
        total += d
        worst = max(worst, d)
      }
      if worst > 16 { bad += 1 }
    }
    return (compared, bad, Double(total) / Double(max(1, 3 * compared)), missing)
  }
}
