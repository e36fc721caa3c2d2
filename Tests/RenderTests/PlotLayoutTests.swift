import Foundation
import Imaging
import Render
import XCTest

/// Line plots as paper figures: one legend per figure (none in small panels), y axes from 0 on
/// request, one shared nice range, and PNGs that record their resolution.
final class PlotLayoutTests: XCTestCase {
  /// Brightness-like data: 6-14% error.
  private func plot(names: [String] = ["ResNet-50", "ViT-S/16"]) -> LinePlot {
    var p = LinePlot(
      title: "Brightness", yLabel: "top-1 error (%)",
      series: names.enumerated().map { k, name in
        LinePlot.Series(name: name, values: [6, 7, 8, 10, 12, 14].map { $0 + Double(k) })
      },
      xTicks: [0, 1, 2, 3, 4, 5], xTickLabels: ["clean", "1", "2", "3", "4", "5"])
    p.pixelsPerPoint = 1
    return p
  }

  private func pixels(_ p: LinePlot) throws -> [UInt8] {
    let image = try p.renderImage()
    return (0..<image.height).flatMap { y in (0..<image.width).flatMap { x in [image[x, y].r, image[x, y].g, image[x, y].b] } }
  }

  /// Unnamed series draw no legend stubs and leave the plot its full width: the same pixels as
  /// a plot whose legend is switched off; named series with the legend on draw something else.
  func testPanelsWithoutNamesOrLegendDrawNoLegend() throws {
    var off = plot()
    off.showsLegend = false
    let unnamed = plot(names: ["", ""])
    XCTAssertEqual(try pixels(unnamed), try pixels(off))
    XCTAssertNotEqual(try pixels(plot()), try pixels(off))
    let svg = String(decoding: try off.render(format: .svg), as: UTF8.self)
    XCTAssertFalse(svg.contains(">ResNet-50</text>"), "no legend text in a panel")
    let withLegend = String(decoding: try plot().render(format: .svg), as: UTF8.self)
    XCTAssertTrue(withLegend.contains(">ResNet-50</text>") && withLegend.contains(">ViT-S/16</text>"))
  }

  /// With yIncludesZero the axis has a 0 tick under 6-14% data; fitted to the data it has none.
  func testYAxisFromZero() throws {
    var p = plot()
    p.yIncludesZero = true
    XCTAssertTrue(String(decoding: try p.render(format: .svg), as: UTF8.self).contains(">0</text>"))
    XCTAssertFalse(String(decoding: try plot().render(format: .svg), as: UTF8.self).contains(">0</text>"))
    XCTAssertEqual(LinePlot.niceRange(0, 73), 0...80)
    XCTAssertEqual(LinePlot.niceRange(0, 14.5), 0...15)
  }

  /// A PNG at 300 dpi carries pHYs = 11811 pixels per metre (300 / 0.0254, rounded) in both
  /// directions, unit metre, and still decodes (libpng checks every chunk's CRC).
  func testPNGRecordsItsResolution() throws {
    var p = plot()
    p.pixelsPerPoint = 300.0 / 72
    let png = try p.render(format: .png)
    let bytes = [UInt8](png)
    let at = try XCTUnwrap((8..<(bytes.count - 4)).first { String(decoding: bytes[$0..<$0 + 4], as: UTF8.self) == "pHYs" })
    XCTAssertEqual(Array(bytes[at - 4..<at]), [0, 0, 0, 9], "chunk length")
    XCTAssertEqual(Array(bytes[at + 4..<at + 13]), [0, 0, 0x2E, 0x23, 0, 0, 0x2E, 0x23, 1], "11811 ppm in x and y, metre")
    XCTAssertEqual(String(decoding: bytes[12..<16], as: UTF8.self), "IHDR")
    XCTAssertEqual(at, 8 + 25 + 4, "right after IHDR")
    XCTAssertEqual(try XCTUnwrap(PNGResolution.dotsPerInch(of: png)), 300, accuracy: 0.01)
    let image = try PNGCodec.decode(png)
    XCTAssertEqual(image.width, Int((p.width * 300 / 72).rounded(.up)))
  }
}
