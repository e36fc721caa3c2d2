import Foundation
import Render
import XCTest

final class ColorMapTests: XCTestCase {
  /// Parses `index,r,g,b` lines (comments and header skipped) into 768 bytes.
  private func parseLUT(_ url: URL) throws -> [UInt8] {
    let text = try String(contentsOf: url, encoding: .utf8)
    var bytes: [UInt8] = []
    for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.hasPrefix("index") {
      let f = line.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces))! }
      XCTAssertEqual(f[0], bytes.count / 3)
      bytes += f[1...3].map { UInt8($0) }
    }
    return bytes
  }

  func testJETEqualsOpenCVTableExactly() throws {
    let fixture = try parseLUT(Sample.fixtures.appendingPathComponent("opencv_jet_lut.csv"))
    XCTAssertEqual(fixture.count, 768)
    XCTAssertEqual(ColorMap.jet.table, fixture)
    XCTAssertEqual(ColorMap.jet.color(index: 191), RGBColor(255, 128, 0))  // matplotlib's jet gives (255, 152, 0)
  }

  func testAllTablesHave256Entries() {
    for map in ColorMap.allCases { XCTAssertEqual(map.table.count, 768, "\(map)") }
  }

  func testMatplotlibAnchorColours() {
    // cmap([0, 128, 255], bytes=True) in matplotlib 3.11.2.
    let expected: [ColorMap: [RGBColor]] = [
      .viridis: [RGBColor(68, 1, 84), RGBColor(32, 144, 140), RGBColor(253, 231, 36)],
      .inferno: [RGBColor(0, 0, 3), RGBColor(187, 55, 84), RGBColor(252, 254, 164)],
      .turbo: [RGBColor(48, 18, 59), RGBColor(164, 252, 59), RGBColor(122, 4, 2)],
      .rdBu: [RGBColor(5, 48, 97), RGBColor(247, 246, 246), RGBColor(103, 0, 31)],
      .coolwarm: [RGBColor(58, 76, 192), RGBColor(221, 220, 219), RGBColor(179, 3, 38)],
    ]
    for (map, colours) in expected {
      XCTAssertEqual([0, 128, 255].map { map.color(index: $0) }, colours, "\(map)")
    }
    XCTAssertTrue(ColorMap.rdBu.isDiverging)
    XCTAssertFalse(ColorMap.jet.isDiverging)
  }

  func testValueToIndexTruncatesLikeShowCamOnImage() {
    XCTAssertEqual(ColorMap.index(for: 0), 0)
    XCTAssertEqual(ColorMap.index(for: 1 - 1e-7), 254)  // pgc's hottest pixel
    XCTAssertEqual(ColorMap.index(for: 1), 255)
    XCTAssertEqual(ColorMap.index(for: 0.5), 127)
    XCTAssertEqual(ColorMap.index(for: -3), 0)
    XCTAssertEqual(ColorMap.index(for: 7), 255)
    XCTAssertEqual(ColorMap.index(for: .nan), 0)
    XCTAssertEqual(ColorMap.jet.color(at: 1), RGBColor(128, 0, 0))
  }
}
