import Foundation
#if canImport(FoundationXML)
  import FoundationXML
#endif
import Render
import XCTest

final class FileOutputTests: XCTestCase {
  private var dir: URL!

  override func setUpWithError() throws {
    dir = FileManager.default.temporaryDirectory.appendingPathComponent("render-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

  private var smallOptions: HeatmapGridOptions {
    var o = HeatmapGridOptions()
    o.pixelsPerPoint = 1
    return o
  }

  func testPDFHasPagesFontsAndTitle() throws {
    let data = try Sample.grid(rows: 2).render(format: .pdf, options: smallOptions)
    let text = String(decoding: data, as: UTF8.self)
    XCTAssertTrue(text.hasPrefix("%PDF-"))
    XCTAssertTrue(text.contains("/Type /Page"))
    XCTAssertTrue(text.contains("/Type /Font"))
    XCTAssertTrue(text.contains("DejaVuSans"), "embedded DejaVu Sans subset expected")
    XCTAssertTrue(text.contains("/FontFile"))
    XCTAssertTrue(text.contains("/ToUnicode"), "text must be extractable")
    // Cairo writes the document title as a UTF-16BE hex string.
    let title = "FEFF" + "Grad-CAM under ImageNet-C".utf16.map { String(format: "%04X", $0) }.joined()
    XCTAssertTrue(text.contains("/Title <\(title)"), "title in the document info")
    XCTAssertTrue(text.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("%%EOF"))
  }

  func testSVGIsWellFormedAndSearchable() throws {
    let data = try Sample.grid(rows: 3).render(format: .svg, options: smallOptions)
    let collector = SVGCollector()
    let parser = XMLParser(data: data)
    parser.delegate = collector
    XCTAssertTrue(parser.parse(), "SVG is not well-formed XML: \(String(describing: parser.parserError))")
    XCTAssertEqual(collector.root, "svg")
    XCTAssertTrue(collector.title.contains("Grad-CAM under ImageNet-C"))
    for label in ["gaussian_noise", "impulse_noise", "severity 5", "clean", "ρ=0.90 IoU=0.51", "correct"] {
      XCTAssertTrue(collector.texts.contains(label), "SVG text lacks '\(label)'")
    }
    XCTAssertTrue(collector.texts.contains { $0.hasPrefix("golden retriever") || $0.hasPrefix("golden retrie") })
  }

  func testWriteChoosesFormatByExtensionAndLeavesNoTemporaryFiles() throws {
    let grid = Sample.grid(rows: 2)
    for ext in ["png", "pdf", "svg", "PNG"] {
      try grid.write(to: dir.appendingPathComponent("fig.\(ext)"), options: smallOptions)
    }
    let png = try Data(contentsOf: dir.appendingPathComponent("fig.png"))
    XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    XCTAssertTrue(try Data(contentsOf: dir.appendingPathComponent("fig.pdf")).starts(with: Data("%PDF".utf8)))
    let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
    XCTAssertEqual(files, ["fig.PNG", "fig.pdf", "fig.png", "fig.svg"])

    // Overwrite in place; the decoded PNG equals the in-memory raster.
    try grid.write(to: dir.appendingPathComponent("fig.png"), options: smallOptions)
    let decoded = try CairoPNG.read(contentsOf: dir.appendingPathComponent("fig.png"))
    XCTAssertEqual(decoded, try grid.renderImage(options: smallOptions))
  }

  func testUnsupportedExtensionAndMissingDirectoryThrowOneLineErrors() throws {
    let grid = Sample.grid(rows: 1)
    XCTAssertThrowsError(try grid.write(to: dir.appendingPathComponent("fig.jpg"))) { error in
      XCTAssertEqual(error as? RenderError, .unsupportedFormat("jpg"))
      XCTAssertFalse("\(error)".contains("\n"))
    }
    let missing = dir.appendingPathComponent("no/such/dir/fig.png")
    XCTAssertThrowsError(try grid.write(to: missing, options: smallOptions)) { error in
      guard case .io = error as? RenderError else { return XCTFail("expected .io, got \(error)") }
    }
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [])
  }

  func testPixelsPerPointScalesTheRaster() throws {
    let grid = Sample.grid(rows: 1)
    let layout = try grid.layout(options: smallOptions)
    var o = smallOptions
    o.pixelsPerPoint = 2
    let image = try grid.renderImage(options: o)
    XCTAssertEqual(image.width, Int((layout.width * 2).rounded(.up)))
    XCTAssertEqual(image.height, Int((layout.height * 2).rounded(.up)))
    XCTAssertEqual(image[0, 0].r, 255, "white background")
  }
}

/// Collects the root element, the `<title>` and all `<text>` contents of an SVG.
private final class SVGCollector: NSObject, XMLParserDelegate {
  var root: String?
  var title = ""
  var texts: [String] = []
  private var current: String?
  private var buffer = ""

  func parser(
    _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
    attributes: [String: String] = [:]
  ) {
    if root == nil { root = name }
    if name == "text" || name == "title" {
      current = name
      buffer = ""
    }
  }

  func parser(_ parser: XMLParser, foundCharacters string: String) {
    if current != nil { buffer += string }
  }

  func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
    if name == current {
      if name == "title" { title = buffer } else { texts.append(buffer) }
      current = nil
    }
  }
}
