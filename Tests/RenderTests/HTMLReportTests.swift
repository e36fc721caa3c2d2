import Foundation
import Imaging
import Render
import XCTest

/// The self-contained HTML report: what the page embeds, the 8-bit map quantisation, the size
/// of a full sweep, and bad input. (Its behaviour in a browser is tested end to end, with
/// headless Chromium, in GradCAMToolTests/HTMLReportTests.)
final class HTMLReportTests: XCTestCase {
  static func report(rows: Int, columns: Int, imageSize: Int, mapSize: Int, panels: Int = 1) -> HTMLReport {
    func cell(_ r: Int, _ s: Int, _ p: Int) -> HTMLReport.Cell {
      HTMLReport.Cell(
        image: Sample.image(size: imageSize, seed: r * 10 + s + 100 * p, noise: s * 6),
        map: Sample.map(size: mapSize, cx: 0.4 + 0.04 * Double(s), cy: 0.5, sigma: 0.15 + 0.02 * Double(r % 4)),
        top: Sample.classes.prefix(5).enumerated().map { HTMLReport.ClassProbability(label: $1, probability: 0.5 / Double($0 + 1)) },
        correct: s < 3, shift: s == 0 ? nil : HTMLReport.Shift(rankCorrelation: 0.9, topIoU: 0.7, centerShift: 3.25, entropyChange: -0.125),
        centerOfMass: (0.4 + 0.04 * Double(s), 0.5))
    }
    let panelList = (0..<panels).map { p in
      HTMLReport.Panel(
        title: "image \(p)", subtitle: "explaining \"golden retriever\"", clean: cell(0, 0, p),
        cells: (0..<rows).map { r in (1...columns).map { cell(r, $0, p) } })
    }
    return HTMLReport(
      title: "gradcam at layer4 — resnet50", subtitle: "marks: prediction vs the clean image's prediction",
      rowHeaders: (0..<rows).map { Sample.corruptions19[$0 % 19] }, columnHeaders: (1...columns).map { "severity \($0)" },
      panels: panelList)
  }

  /// The JSON the page's script reads.
  static func payload(_ page: String) throws -> [String: Any] {
    let start = try XCTUnwrap(page.range(of: "<script type=\"application/json\" id=\"report-data\">"))
    let end = try XCTUnwrap(page.range(of: "</script>", range: start.upperBound..<page.endIndex))
    return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(page[start.upperBound..<end.lowerBound].utf8)) as? [String: Any])
  }

  static func bytes(ofDataURI uri: String, type: String) throws -> Data {
    let prefix = "data:\(type);base64,"
    XCTAssertTrue(uri.hasPrefix(prefix), String(uri.prefix(40)))
    return try XCTUnwrap(Data(base64Encoded: String(uri.dropFirst(prefix.count))))
  }

  func testPageEmbedsEveryCellTablesAndNumbers() throws {
    var report = Self.report(rows: 2, columns: 3, imageSize: 40, mapSize: 7)
    report.display.colorMap = .viridis
    report.panels[0].title = "a </script><b>title"
    let page = String(decoding: try report.html(), as: UTF8.self)
    XCTAssertTrue(page.hasPrefix("<!DOCTYPE html>"))
    // Self-contained: no external scripts, styles, images or fonts.
    for external in ["src=\"http", "href=\"http", "<link", "@import", "url("] {
      XCTAssertFalse(page.contains(external), external)
    }
    XCTAssertEqual(page.components(separatedBy: "</script>").count - 1, 3, "the title must not close a script element")
    let json = try Self.payload(page)
    XCTAssertEqual(json["rows"] as? [String], ["gaussian_noise", "shot_noise"])
    XCTAssertEqual((json["display"] as? [String: Any])?["colorMap"] as? String, "viridis")
    // The colour tables are the Render tables, byte for byte.
    let tables = try XCTUnwrap(json["colorMaps"] as? [String: String])
    XCTAssertEqual(Set(tables.keys), ["jet", "turbo", "viridis", "inferno"])
    for map in HTMLReport.colorMaps {
      let hex = try XCTUnwrap(tables[map.rawValue])
      let bytes = stride(from: 0, to: hex.count, by: 2).map { UInt8(hex.dropFirst($0).prefix(2), radix: 16)! }
      XCTAssertEqual(bytes, map.table, map.rawValue)
    }
    let panels = try XCTUnwrap(json["panels"] as? [[String: Any]])
    XCTAssertEqual(panels[0]["title"] as? String, "a </script><b>title")
    let cells = try XCTUnwrap(panels[0]["cells"] as? [[[String: Any]]])
    XCTAssertEqual(cells.map(\.count), [3, 3])
    let cell = cells[1][2]
    // The image: a JPEG of the cell's size.
    let image = try JPEGCodec.decode(Self.bytes(ofDataURI: cell["image"] as! String, type: "image/jpeg"))
    XCTAssertEqual([image.width, image.height], [40, 40])
    // The numbers, as given.
    let shift = try XCTUnwrap(cell["shift"] as? [String: Double])
    XCTAssertEqual(shift, ["rankCorrelation": 0.9, "topIoU": 0.7, "centerShift": 3.25, "entropyChange": -0.125])
    XCTAssertNil((panels[0]["clean"] as? [String: Any])?["shift"])
    let top = try XCTUnwrap(cell["top"] as? [[String: Any]])
    XCTAssertEqual(top.count, 5)
    XCTAssertEqual(top[1]["label"] as? String, Sample.classes[1])
    XCTAssertEqual(top[1]["probability"] as? Double, 0.25)
    XCTAssertEqual(cell["correct"] as? Bool, false)
  }

  /// Maps are stored as 8-bit grey PNG, `round(255 (v - lo) / (hi - lo))` over the report's
  /// range; reference: the same formula in Double, for every pixel of every map (exact).
  func testMapsAreQuantisedOverTheReportRange() throws {
    var report = Self.report(rows: 1, columns: 2, imageSize: 16, mapSize: 5)
    report.panels[0].cells[0][1].map = ScalarMap(width: 2, height: 2, values: [-0.5, 0.25, 2, .nan])
    let json = try Self.payload(String(decoding: try report.html(), as: UTF8.self))
    let range = try XCTUnwrap(json["mapRange"] as? [Double])
    XCTAssertEqual(range, [-0.5, 2])
    let panel = (json["panels"] as! [[String: Any]])[0]
    let stored = [panel["clean"] as! [String: Any]] + (panel["cells"] as! [[[String: Any]]])[0]
    let given = [report.panels[0].clean] + report.panels[0].cells[0]
    for (s, g) in zip(stored, given) {
      let png = try PNGCodec.decode(Self.bytes(ofDataURI: s["map"] as! String, type: "image/png"))
      XCTAssertEqual([png.width, png.height], [g.map.width, g.map.height])
      let expected = g.map.values.map { v -> UInt8 in
        v.isNaN ? 0 : UInt8(min(max((255 * (Double(v) + 0.5) / 2.5).rounded(), 0), 255))
      }
      XCTAssertEqual(stride(from: 0, to: png.pixels.count, by: 3).map { png.pixels[$0] }, expected)
    }
    // Constant maps: a range of width 1 from their value, all stored as 0.
    var flat = Self.report(rows: 1, columns: 1, imageSize: 8, mapSize: 2)
    flat.panels[0].cells[0][0].map.values = [7, 7, 7, 7]
    flat.panels[0].clean.map.values = [7, 7, 7, 7]
    let flatJSON = try Self.payload(String(decoding: try flat.html(), as: UTF8.self))
    XCTAssertEqual(flatJSON["mapRange"] as? [Double], [7, 8])
    let flatMap = ((flatJSON["panels"] as! [[String: Any]])[0]["clean"] as! [String: Any])["map"] as! String
    XCTAssertEqual(try PNGCodec.decode(Self.bytes(ofDataURI: flatMap, type: "image/png")).pixels, [UInt8](repeating: 0, count: 12))
  }

  /// The budget: a 19 x (clean + 5) sweep at 224 px, maps at 224 px (an ImageNet model's
  /// input size), under 10 MB with JPEG quality 85.
  func testFullSweepAt224PixelsStaysUnderTenMegabytes() throws {
    let report = Self.report(rows: 19, columns: 5, imageSize: 224, mapSize: 224)
    XCTAssertEqual(report.jpegQuality, 85)
    let size = try report.html().count
    print("HTML report of a 19x6 sweep at 224 px: \(size) bytes")
    XCTAssertLessThan(size, HTMLReport.sizeWarningBytes)
    XCTAssertGreaterThan(size, 114 * 2_000, "every cell is embedded")
  }

  func testSizeWarningAboveTenMegabytes() {
    XCTAssertNil(HTMLReport.sizeWarning(bytes: 10_000_000, path: "r.html"))
    XCTAssertEqual(
      HTMLReport.sizeWarning(bytes: 12_345_678, path: "r.html"),
      "r.html is 12.3 MB (over 10.0 MB): fewer corruptions, severities, images or models make it lighter")
    XCTAssertEqual(HTMLReport.megabytes(2_087_103), "2.1 MB")
    XCTAssertEqual(HTMLReport.megabytes(49_999), "0.0 MB")
  }

  func testBadInputThrowsAndWritesNothing() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("html-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    var ragged = Self.report(rows: 2, columns: 2, imageSize: 8, mapSize: 3)
    ragged.panels[0].cells[1].removeLast()
    var quality = Self.report(rows: 1, columns: 1, imageSize: 8, mapSize: 3)
    quality.jpegQuality = 0
    var diverging = Self.report(rows: 1, columns: 1, imageSize: 8, mapSize: 3)
    diverging.display.colorMap = .coolwarm
    var empty = Self.report(rows: 1, columns: 1, imageSize: 8, mapSize: 3)
    empty.panels = []
    for (report, expected) in [(ragged, "2 rows of 2 cells"), (quality, "JPEG quality"), (diverging, "coolwarm"), (empty, "no panels")] {
      XCTAssertThrowsError(try report.write(to: dir.appendingPathComponent("r.html"))) {
        XCTAssertTrue(String(describing: $0).contains(expected), "\($0)")
      }
    }
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [])
    let good = Self.report(rows: 1, columns: 1, imageSize: 8, mapSize: 3)
    let count = try good.write(to: dir.appendingPathComponent("r.html"))
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["r.html"])
    XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("r.html")).count, count)
  }
}
