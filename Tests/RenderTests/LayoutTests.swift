import Foundation
import Imaging
import Render
import XCTest

final class LayoutTests: XCTestCase {
  /// 19 corruptions x (clean + 5 severities), two image blocks, long names, markers, metrics,
  /// colour bars: no two text boxes overlap, nothing overlaps an image, all is on the page.
  func testNineteenRowsSixColumnsNothingOverlaps() throws {
    var grid = Sample.grid(rows: 19, blocks: 2)
    grid.blocks[0].rows[3].header = "a_deliberately_very_long_corruption_name_that_cannot_fit"
    grid.blocks[1].columnHeaders[2] = "severity 2 with a far too long header"
    grid.blocks[1].rows[0].cells[1].caption = [
      "German short-haired pointer with an absurdly long class name 0.91", "second line",
    ]
    var options = HeatmapGridOptions()
    options.scale = .sharedAuto
    options.difference = .againstColumn(0)
    let layout = try grid.layout(options: options)

    XCTAssertEqual(layout.cells.count, 19 * 6 * 2)
    XCTAssertEqual(layout.colorBars.count, 2)
    let page = layout.pageRect
    for t in layout.texts {
      XCTAssertTrue(page.contains(t.rect), "\(t.role) '\(t.text)' \(t.rect) leaves the page \(page)")
      XCTAssertGreaterThan(t.rect.width, 0)
    }
    var boxes: [(String, LayoutRect)] = layout.texts.map { ("\($0.role) '\($0.text)'", $0.rect) }
    boxes += layout.cells.map { ("image \($0.block),\($0.row),\($0.column)", $0.imageRect) }
    boxes += layout.cells.compactMap { c in c.markerRect.map { ("marker \(c.block),\(c.row),\(c.column)", $0) } }
    boxes += layout.colorBars.map { ("colour bar", $0.rect) }
    boxes += layout.legendMarkers.map { ("legend marker", $0.rect) }
    for (name, r) in boxes { XCTAssertTrue(page.contains(r), "\(name) leaves the page") }
    var overlaps = 0
    for i in 0..<boxes.count {
      for j in (i + 1)..<boxes.count where boxes[i].1.intersects(boxes[j].1) {
        overlaps += 1
        if overlaps <= 5 { XCTFail("\(boxes[i].0) \(boxes[i].1) overlaps \(boxes[j].0) \(boxes[j].1)") }
      }
    }
    XCTAssertEqual(overlaps, 0)

    // Long labels are shortened with an ellipsis, not dropped; short ones are kept whole.
    let headers = layout.texts.filter { $0.role == .rowHeader }.map(\.text)
    XCTAssertTrue(headers.contains("elastic_transform"))
    XCTAssertTrue(headers.contains("jpeg_compression"))
    XCTAssertTrue(headers.contains { $0.hasPrefix("a_deliberately") && $0.hasSuffix("\u{2026}") })
    let captions = layout.texts.filter { $0.role == .caption }.map(\.text)
    XCTAssertTrue(captions.contains { $0.hasPrefix("German") && $0.hasSuffix("\u{2026} 0.91") }, "\(captions.prefix(20))")

    // The grid is aligned: every cell of a column has the same left edge, of a row the same top.
    let firstBlock = layout.cells.filter { $0.block == 0 }
    for column in 0..<6 {
      let xs = Set(firstBlock.filter { $0.column == column }.map(\.imageRect.x))
      XCTAssertEqual(xs.count, 1)
    }
  }

  /// Non-square images keep their aspect inside the cell and still leave no overlaps.
  func testNonSquareImagesKeepAspect() throws {
    var grid = Sample.grid(rows: 3, columns: 4)
    let wide = RGBImage(width: 224, height: 160, fill: (200, 100, 50))
    grid.blocks[0].rows[1].cells[2].image = wide
    let layout = try grid.layout()
    let cell = try XCTUnwrap(layout.cells.first { $0.row == 1 && $0.column == 2 })
    XCTAssertEqual(cell.imageRect.width / cell.imageRect.height, 224.0 / 160.0, accuracy: 1e-9)
    XCTAssertEqual(cell.imageRect.width, HeatmapGridOptions().cellSize, accuracy: 1e-9)
    let rects = layout.texts.map(\.rect) + layout.cells.map(\.imageRect)
    for i in 0..<rects.count {
      for j in (i + 1)..<rects.count { XCTAssertFalse(rects[i].intersects(rects[j])) }
    }
  }

  func testSeverityHeaders() {
    XCTAssertEqual(HeatmapGrid.Block.severityHeaders(1...3), ["clean", "severity 1", "severity 2", "severity 3"])
    XCTAssertEqual(HeatmapGrid.Block.severityHeaders([2, 4], short: true), ["clean", "s=2", "s=4"])
  }

  func testEmptyGridAndBadOptionsThrow() {
    XCTAssertThrowsError(try HeatmapGrid(title: "t", blocks: []).layout())
    var options = HeatmapGridOptions()
    options.cellSize = 0
    XCTAssertThrowsError(try Sample.grid(rows: 1).layout(options: options))
    options = HeatmapGridOptions()
    options.scale = .shared(min: 1, max: 1)
    XCTAssertThrowsError(try Sample.grid(rows: 1).layout(options: options)) {
      XCTAssertFalse("\($0)".contains("\n"))
    }
  }
}
