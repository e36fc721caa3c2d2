import Foundation
import XCTest

/// `gradcam ... --out report.html`, opened in headless Chromium: every cell renders, a clicked
/// cell's detail shows the numbers of the JSON report of the same run, and the page logs no
/// errors. Screenshots are kept (their paths are printed) to be looked at.
final class HTMLReportTests: XCTestCase {
  var dog: String { Tool.packageRoot.appendingPathComponent("examples/dog.png").path }

  func testReportRendersInChromiumWithTheNumbersOfTheJSONReport() throws {
    let dir = try Tool.temporaryDirectory()
    let r = try Tool.run(
      ["--image", dog, "--severities", "1-2", "--corruptions", "glass_blur,snow,saturate", "--out", "r.html",
       "--report", "r.json", "--colormap", "turbo"], in: dir)
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(r.stderr.contains("wrote \(dir.appendingPathComponent("r.html").path) ("), r.stderr)
    XCTAssertFalse(r.stderr.contains("warning"), r.stderr)
    XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("gradcam-dog.png").path), "no figure")
    let page = dir.appendingPathComponent("r.html")
    let html = try String(contentsOf: page, encoding: .utf8)
    XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
    for external in ["src=\"http", "href=\"http", "<link", "@import", "url("] { XCTAssertFalse(html.contains(external), external) }
    let cells = try JSONDecoder().decode(SweepJSON.self, from: Data(contentsOf: dir.appendingPathComponent("r.json"))).images[0].cells

    // Snow (row 1) at severity 2 (column 2): cell 1 + 1 * 2 + 1 of the report.
    let dom = try HeadlessChromium.dumpDOM(page, fragment: "cell=0,1,2")
    try assertRenderedWithoutErrors(dom, cells: 1 * 3 * 3)
    XCTAssertEqual(detailState(dom), "open 0,1,2", "the detail opened on the clicked cell")
    try assertDetail(dom, panel: 0, matches: cells[4])
    // The clean cell's detail: its prediction, and no shift (it is the reference).
    let clean = try HeadlessChromium.dumpDOM(page, fragment: "cell=0,2,0")
    try assertRenderedWithoutErrors(clean, cells: 9)
    try assertDetail(clean, panel: 0, matches: cells[0])

    // Keyboard: from snow severity 1, right then down reaches saturate severity 2; Escape closes.
    let moved = try HeadlessChromium.dumpDOM(page, fragment: "cell=0,1,1&keys=ArrowRight,ArrowDown")
    XCTAssertEqual(detailState(moved), "open 0,2,2", "arrows move the detail")
    try assertDetail(moved, panel: 0, matches: cells[6])
    let closed = try HeadlessChromium.dumpDOM(page, fragment: "cell=0,1,1&keys=Escape")
    XCTAssertEqual(detailState(closed), "closed 0,1,1", "Escape closes the detail")

    // Sorting and filtering rows (with the colour map and scale switched), against the JSON
    // report: mean rank correlation per row, and flips (top-1 differs from the clean image's).
    let rows = (0..<3).map { cells[(1 + 2 * $0)..<(3 + 2 * $0)] }
    let meanRank = rows.map { $0.map { $0.attentionShift!["rank_corr"]! }.reduce(0, +) / 2 }
    let flips = rows.map { $0.filter { $0.predictedClass != cells[0].predictedClass }.count }
    let byRank = try HeadlessChromium.dumpDOM(page, fragment: "sort=rankCorrelation&colormap=viridis&scale=shared")
    try assertRenderedWithoutErrors(byRank, cells: 9)
    XCTAssertEqual(visibleRows(byRank), (0..<3).sorted { meanRank[$0] < meanRank[$1] }, "rows by rank correlation, lowest first")
    let flipped = try HeadlessChromium.dumpDOM(page, fragment: "sort=flips&filter=flips")
    try assertRenderedWithoutErrors(flipped, cells: 9)
    let withFlips = (0..<3).filter { flips[$0] > 0 }.sorted { flips[$0] != flips[$1] ? flips[$0] > flips[$1] : $0 < $1 }
    XCTAssertEqual(visibleRows(flipped), withFlips, "rows with a flip, most first")
    XCTAssertTrue(flipped.contains("<span id=\"row-count\">\(withFlips.count) of 3 rows</span>"))

    let grid = dir.appendingPathComponent("report-grid.png"), detail = dir.appendingPathComponent("report-detail.png")
    try HeadlessChromium.screenshot(page, to: grid)
    try HeadlessChromium.screenshot(page, fragment: "cell=0,1,2", to: detail)
    for shot in [grid, detail] {
      let png = try Data(contentsOf: shot)
      XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
      XCTAssertGreaterThan(png.count, 20_000, "a blank page would compress to almost nothing")
      print("HTML report screenshot: \(shot.path)")
    }
  }

  /// Two models side by side (`--model a,b`): one panel each, the JSON report an array in
  /// --model order, and the detail shows the same cell under both.
  func testModelsSideBySide() throws {
    let dir = try Tool.temporaryDirectory()
    let ring = Tool.packageRoot.appendingPathComponent("examples/shapes/ring.png").path
    let r = try Tool.run(
      ["--model", "demo-cnn,demo-vit", "--image", ring, "--corruptions", "fog,contrast", "--severities", "1,3",
       "--out", "r.html", "--report", "r.json", "--maps-dir", "maps", "--quiet"], in: dir)
    XCTAssertEqual(r.status, 0, r.stderr)
    let reports = try JSONDecoder().decode([SweepJSON].self, from: Data(contentsOf: dir.appendingPathComponent("r.json")))
    XCTAssertEqual(reports.map(\.model), ["demo-cnn", "demo-vit"])
    XCTAssertEqual(reports.map(\.method), ["gradcam", "rollout"])
    for model in ["demo-cnn", "demo-vit"] {
      XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("maps/\(model)/ring/fog-s3.npy").path), model)
    }
    let page = dir.appendingPathComponent("r.html")
    // Contrast (row 1) at severity 3 (column 2), clicked in the ViT's panel.
    let dom = try HeadlessChromium.dumpDOM(page, fragment: "cell=1,1,2")
    try assertRenderedWithoutErrors(dom, cells: 2 * 2 * 3)
    XCTAssertEqual(detailState(dom), "open 1,1,2")
    XCTAssertTrue(dom.contains("<section class=\"detail-panel clicked\" data-panel=\"1\">"), "the ViT panel is the clicked one")
    for (panel, report) in reports.enumerated() {
      try assertDetail(dom, panel: panel, matches: report.images[0].cells[4])
    }
    let shot = dir.appendingPathComponent("report-models.png")
    try HeadlessChromium.screenshot(page, fragment: "cell=1,1,2", to: shot)
    print("HTML report screenshot: \(shot.path)")
  }

  /// The issue's budget: all 19 corruptions x 5 severities of a 224 px image (a photo-sized
  /// input is cropped to 224 as ImageNet-C does) stay under 10 MB, and every cell renders.
  func testFullSweepAt224PixelsStaysUnderTenMegabytes() throws {
    let dir = try Tool.temporaryDirectory()
    let photo = Tool.packageRoot.appendingPathComponent("Tests/ImagingTests/Fixtures/src_500x375.jpg").path
    let r = try Tool.run(
      ["--model", "demo-cnn", "--image", photo, "--corruptions", "all", "--severities", "1-5", "--out", "big.html", "--quiet"], in: dir)
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertFalse(r.stderr.contains("warning"), r.stderr)
    let page = dir.appendingPathComponent("big.html")
    let size = try Data(contentsOf: page).count
    print("HTML report of a 19x6 sweep at 224 px (demo-cnn, maps at 64 px): \(size) bytes")
    XCTAssertLessThan(size, 10_000_000)
    let dom = try HeadlessChromium.dumpDOM(page, fragment: "cell=0,18,5")
    try assertRenderedWithoutErrors(dom, cells: 19 * 6)
  }

  func testBadOutputsAreRefusedBeforeTheWork() throws {
    let dir = try Tool.temporaryDirectory()
    let missing = try Tool.run(["--image", dog, "--out", "nowhere/r.html", "--quiet"], in: dir)
    XCTAssertEqual(missing.status, 1)
    XCTAssertTrue(missing.stderr.contains("nowhere/r.html") && missing.stderr.contains("does not exist"), missing.stderr)
    XCTAssertEqual(missing.stderr.split(separator: "\n").count, 1, missing.stderr)
    let figure = try Tool.run(["--image", dog, "--model", "demo-cnn,demo-vit", "--out", "f.png", "--quiet"], in: dir)
    XCTAssertEqual(figure.status, 64)
    XCTAssertTrue(figure.stderr.contains("need an HTML report"), figure.stderr)
    let unknown = try Tool.run(["--image", dog, "--model", "demo-cnn,demo-cnm", "--out", "r.html", "--quiet"], in: dir)
    XCTAssertEqual(unknown.status, 1)
    XCTAssertTrue(unknown.stderr.contains("unknown model 'demo-cnm'"), unknown.stderr)
    for models in ["demo-cnn,demo-cnn", "demo-cnn,"] {
      let r = try Tool.run(["--image", dog, "--model", models, "--out", "r.html", "--quiet"], in: dir)
      XCTAssertEqual(r.status, 64, models)
    }
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [])
  }

  /// The fields of the JSON report (--report) that the page shows. JSONDecoder, not
  /// JSONSerialization: on Linux the latter can round the last digit of a double differently.
  struct SweepJSON: Decodable {
    struct Cell: Decodable {
      var predictedClass: String
      var confidence: Double
      var correct: Bool
      var attentionShift: [String: Double]?
    }
    struct Image: Decodable { var cells: [Cell] }
    var model: String
    var method: String
    var images: [Image]
  }

  // MARK: - Reading the dumped DOM

  /// The page's self-check: every cell drawn, no error recorded (script errors, failed images,
  /// rejected promises, console.error), and the error list empty.
  func assertRenderedWithoutErrors(_ dom: String, cells: Int, file: StaticString = #filePath, line: UInt = #line) throws {
    let text = try XCTUnwrap(firstMatch(#"<pre id="self-check"[^>]*>([^<]*)</pre>"#, in: dom).first, "no self-check in the DOM", file: file, line: line)
    let check = try XCTUnwrap(
      JSONSerialization.jsonObject(with: Data(unescaped(text).utf8)) as? [String: Any], file: file, line: line)
    XCTAssertEqual(check["expected"] as? Int, cells, file: file, line: line)
    XCTAssertEqual(check["rendered"] as? Int, cells, file: file, line: line)
    XCTAssertEqual((check["errors"] as? [String])?.count, 0, "\(check["errors"] ?? "")", file: file, line: line)
    XCTAssertTrue(dom.contains("<ul id=\"errors\" hidden=\"\"></ul>"), "errors listed in the page", file: file, line: line)
    let drawn = try NSRegularExpression(pattern: #"<td class="cell[^>]*data-rendered="true""#)
    XCTAssertEqual(drawn.numberOfMatches(in: dom, range: NSRange(dom.startIndex..., in: dom)), cells, file: file, line: line)
  }

  /// The detail of `panel` shows the report cell's top-1 class and probability, its mark, and
  /// its four attention-shift numbers: the exact doubles (data-value) and the shown text
  /// (4 decimals).
  func assertDetail(_ dom: String, panel: Int, matches cell: SweepJSON.Cell, file: StaticString = #filePath, line: UInt = #line) throws {
    let top = firstMatch(
      #"<tr data-panel="\#(panel)" data-rank="0"><td data-key="label">([^<]*)</td><td class="num" data-key="probability" data-value="([^"]+)">([^<]*)</td>"#,
      in: dom)
    XCTAssertEqual(top.count, 3, "no top-1 row for panel \(panel)", file: file, line: line)
    guard top.count == 3 else { return }
    XCTAssertEqual(unescaped(top[0]), cell.predictedClass, file: file, line: line)
    let confidence = cell.confidence
    XCTAssertEqual(Double(top[1]), confidence, file: file, line: line)
    XCTAssertEqual(top[2], String(format: "%.4f", confidence), file: file, line: line)
    let correct = firstMatch(#"data-panel="\#(panel)" data-correct="(true|false)""#, in: dom)
    XCTAssertEqual(correct, [String(cell.correct)], file: file, line: line)
    let shift = cell.attentionShift
    // The arrow runs between the centres of mass, in display-image pixels: its length is the
    // centre shift (the clean cell's arrow has length 0).
    let section = dom.components(separatedBy: "<section class=\"detail-panel")[panel + 1]
    let from = firstMatch(#"<circle cx="([^"]+)" cy="([^"]+)"[^>]*class="com-clean""#, in: section).compactMap(Double.init)
    let to = firstMatch(#"<circle cx="([^"]+)" cy="([^"]+)"[^>]*class="com-cell""#, in: section).compactMap(Double.init)
    XCTAssertEqual([from.count, to.count], [2, 2], "centre-of-mass marks of panel \(panel)", file: file, line: line)
    if from.count == 2, to.count == 2 {
      let length = hypot(to[0] - from[0], to[1] - from[1])
      XCTAssertEqual(length, shift?["center_shift"] ?? 0, accuracy: 1e-9, "arrow length", file: file, line: line)
    }
    // The page's keys, and the report's names for the same numbers.
    for (key, name) in [("rankCorrelation", "rank_corr"), ("topIoU", "top_iou"), ("centerShift", "center_shift"), ("entropyChange", "entropy_change")] {
      if let expected = shift?[name] {
        let shown = firstMatch(#"data-panel="\#(panel)" data-key="\#(key)" data-value="([^"]+)">([^<]*)<"#, in: dom)
        XCTAssertEqual(shown.count, 2, "\(key) missing for panel \(panel)", file: file, line: line)
        guard shown.count == 2 else { continue }
        XCTAssertEqual(Double(shown[0]), expected, key, file: file, line: line)
        XCTAssertEqual(Double(shown[1])!, expected, accuracy: 5.0001e-5, key, file: file, line: line)
      } else {
        XCTAssertTrue(dom.contains(#"data-panel="\#(panel)" data-key="\#(key)">—<"#), "\(key) should be blank", file: file, line: line)
      }
    }
  }

  /// The grid's rows as shown: visible rows, top to bottom.
  func visibleRows(_ dom: String) -> [Int] {
    let body = dom.components(separatedBy: "<tbody>").last ?? ""
    let regex = try! NSRegularExpression(pattern: #"<tr data-row="(\d+)"( hidden="")?>"#)
    return regex.matches(in: body, range: NSRange(body.startIndex..., in: body))
      .filter { $0.range(at: 2).location == NSNotFound }
      .map { Int(body[Range($0.range(at: 1), in: body)!])! }
  }

  /// "open P,R,C" or "closed P,R,C": whether the detail shows, and the cell it was opened on.
  func detailState(_ dom: String) -> String {
    guard let tag = firstMatch(#"(<div id="detail"[^>]*>)"#, in: dom).first else { return "missing" }
    let cell = ["panel", "row", "column"].map { firstMatch(#"data-\#($0)="(\d+)""#, in: tag).first ?? "?" }
    return (tag.contains(" hidden=") ? "closed " : "open ") + cell.joined(separator: ",")
  }

  func firstMatch(_ pattern: String, in text: String) -> [String] {
    let regex = try! NSRegularExpression(pattern: pattern)
    guard let m = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else { return [] }
    return (1..<m.numberOfRanges).map { String(text[Range(m.range(at: $0), in: text)!]) }
  }

  func unescaped(_ html: String) -> String {
    html.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
      .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
  }
}
