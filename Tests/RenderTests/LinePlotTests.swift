import Foundation
import Render
import XCTest

final class LinePlotTests: XCTestCase {
  static func errorVsSeverity() -> LinePlot {
    LinePlot(
      title: "Top-1 error vs severity", yLabel: "top-1 error (%)",
      series: [
        .init(name: "ResNet-50", values: [23.9, 39.2, 49.8, 58.1, 66.0, 74.3]),
        .init(name: "ViT-S/16", values: [20.1, 30.5, 37.9, 44.2, 51.0, 59.6]),
        .init(name: "DINO ViT-S/8", values: [21.0, 28.1, 33.3, 39.9, 45.5, .nan]),
      ],
      yRange: nil)
  }

  func testRendersAllFormats() throws {
    var plot = Self.errorVsSeverity()
    plot.xTicks = [0, 1, 2, 3, 4, 5]
    plot.xTickLabels = ["clean", "1", "2", "3", "4", "5"]
    plot.pixelsPerPoint = 1
    let image = try plot.renderImage()
    XCTAssertEqual(image.width, 260)
    XCTAssertEqual(image.height, 190)
    // Some pixels carry the first series' blue (0, 114, 178).
    var blue = 0
    for y in 0..<image.height {
      for x in 0..<image.width {
        let p = image[x, y]
        if p.r < 40 && abs(Int(p.g) - 114) < 30 && p.b > 150 { blue += 1 }
      }
    }
    XCTAssertGreaterThan(blue, 50)
    XCTAssertTrue(try plot.render(format: .pdf).starts(with: Data("%PDF".utf8)))
    let svg = String(decoding: try plot.render(format: .svg), as: UTF8.self)
    for label in ["ResNet-50", "DINO ViT-S/8", "clean", "top-1 error (%)", "severity"] {
      XCTAssertTrue(svg.contains(">\(label)</text>"), "SVG lacks \(label)")
    }
    if let dir = ProcessInfo.processInfo.environment["RENDER_PREVIEW_DIR"] {
      plot.pixelsPerPoint = 3
      try plot.write(to: URL(fileURLWithPath: dir).appendingPathComponent("lineplot.png"))
    }
  }

  /// Rasters taller than Cairo's 32767-pixel limit are rendered at a lower scale, not refused.
  func testHugeRasterScaleIsClamped() throws {
    var plot = Self.errorVsSeverity()
    plot.width = 100
    plot.height = 12000
    plot.pixelsPerPoint = 3
    let image = try plot.renderImage()
    XCTAssertLessThanOrEqual(image.height, 32767)
    XCTAssertGreaterThan(image.height, 32000)
  }

  /// Nothing is drawn in the outer 2 pt: legend, labels and ticks stay on the page.
  func testMarginsStayWhite() throws {
    var plot = Self.errorVsSeverity()
    plot.series[0].name = "A rather long model name (ImageNet-1k)"
    plot.pixelsPerPoint = 2
    let image = try plot.renderImage()
    for y in 0..<image.height {
      for x in 0..<image.width where x < 4 || y < 4 || x >= image.width - 4 || y >= image.height - 4 {
        let p = image[x, y]
        XCTAssertTrue(p.r == 255 && p.g == 255 && p.b == 255, "ink at (\(x), \(y))")
        if !(p.r == 255 && p.g == 255 && p.b == 255) { return }
      }
    }
  }

  func testInvalidPlotsThrow() {
    var plot = Self.errorVsSeverity()
    plot.xTicks = [0, 1]
    plot.xTickLabels = ["a"]
    XCTAssertThrowsError(try plot.render(format: .png))
    plot = Self.errorVsSeverity()
    plot.yRange = 5...5
    XCTAssertThrowsError(try plot.renderImage())
  }
}
