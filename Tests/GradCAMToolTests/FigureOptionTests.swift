import Foundation
import Imaging
import NPY
import XCTest

/// cam's class names, PNG output and Score-CAM progress; explain over a folder and its paper
/// options (human labels, titles, row labels, compact layout, DPI); plot's legend, y range and DPI.
final class FigureOptionTests: XCTestCase {
  private var dir: URL!
  private var dog: String { Tool.packageRoot.appendingPathComponent("examples/cifar-dog.png").path }
  private let cifar = ["--model", "cifar10-resnet56"]

  override func setUpWithError() throws { dir = try Tool.temporaryDirectory() }
  override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

  private func text(_ name: String) throws -> String { try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8) }

  /// The PNG's recorded resolution (pHYs, pixels per metre) in dots per inch.
  private func dpi(_ name: String) throws -> Double {
    let bytes = [UInt8](try Data(contentsOf: dir.appendingPathComponent(name)))
    let at = try XCTUnwrap((8..<(bytes.count - 4)).first { String(decoding: bytes[$0..<$0 + 4], as: UTF8.self) == "pHYs" })
    let ppm = bytes[(at + 4)..<(at + 8)].reduce(0) { $0 << 8 | Int($1) }
    return Double(ppm) * 0.0254
  }

  func testCAMTakesClassNamesWritesAPNGOverlayAndShowsScoreCAMProgress() throws {
    let png = try Tool.run(["cam"] + cifar + ["--image", dog, "--target", "cat", "--out", "o.png"], in: dir)
    XCTAssertEqual(png.status, 0, png.stderr)
    XCTAssertTrue(png.stdout.contains("explained cat (class 3)"), png.stdout)
    let overlay = try ImageFile.read(dir.appendingPathComponent("o.png"))
    XCTAssertEqual([overlay.width, overlay.height], [32, 32])
    let wrong = try Tool.run(["cam"] + cifar + ["--image", dog, "--out", "map.txt"], in: dir)
    XCTAssertEqual(wrong.status, 64)
    XCTAssertTrue(wrong.stderr.hasPrefix("Error: --out must end in .npy (the map) or .png (the map over the image), got 'map.txt'"), wrong.stderr)
    let score = try Tool.run(["cam"] + cifar + ["--image", dog, "--method", "scorecam", "--out", "s.npy"], in: dir)
    XCTAssertEqual(score.status, 0, score.stderr)
    XCTAssertTrue(score.stderr.contains("scorecam [") && score.stderr.contains("64/64"), score.stderr)
    XCTAssertEqual(try NPYArray(contentsOf: dir.appendingPathComponent("s.npy")).shape, [32, 32])
  }

  func testImageFolderRendersOneFigurePerImage() throws {
    let folder = dir.appendingPathComponent("photos")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for name in ["a.png", "b.png"] {
      try FileManager.default.copyItem(atPath: dog, toPath: folder.appendingPathComponent(name).path)
    }
    let r = try Tool.run(
      ["--image", "photos"] + cifar + ["--corruptions", "fog", "--severities", "1", "--out", "figs", "--dpi", "300", "--quiet"], in: dir)
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("figs").path).sorted(),
                   ["gradcam-a.png", "gradcam-b.png"])
    XCTAssertEqual(try dpi("figs/gradcam-a.png"), 300, accuracy: 0.01)
    let bad = try Tool.run(["--image", "photos"] + cifar + ["--out", "one.png"], in: dir)
    XCTAssertEqual(bad.status, 64)
    XCTAssertTrue(bad.stderr.hasPrefix("Error: with --image FOLDER, --out names a folder"), bad.stderr)
  }

  func testFigureTextIsHumanAndConfigurable() throws {
    let base = ["--image", dog] + cifar + ["--corruptions", "glass_blur,fog", "--severities", "1", "--quiet"]
    XCTAssertEqual(try Tool.run(base + ["--out", "a.svg"], in: dir).status, 0)
    let svg = try text("a.svg")
    for label in ["Grad-CAM at layer3 — cifar10-resnet56", "Glass blur", "Fog"] {
      XCTAssertTrue(svg.contains(">\(label)</text>"), "lacks \(label)")
    }
    XCTAssertFalse(svg.contains(">glass_blur</text>"))
    try "glass_blur,Glass blur (σ 0.7)\n# comment\nfog\tHaze\n".write(to: dir.appendingPathComponent("rows.txt"), atomically: true, encoding: .utf8)
    let custom = try Tool.run(base + ["--out", "b.svg", "--row-labels", "rows.txt", "--no-title"], in: dir)
    XCTAssertEqual(custom.status, 0, custom.stderr)
    let b = try text("b.svg")
    XCTAssertTrue(b.contains(">Glass blur (σ 0.7)</text>") && b.contains(">Haze</text>"))
    XCTAssertFalse(b.contains("Grad-CAM at layer3") || b.contains("corruption seed"), "no title or subtitle")
    XCTAssertEqual(try Tool.run(base + ["--out", "c.svg", "--title", "Figure 3"], in: dir).status, 0)
    XCTAssertTrue(try text("c.svg").contains(">Figure 3</text>"))
    try "glas_blur,Glass\n".write(to: dir.appendingPathComponent("typo.txt"), atomically: true, encoding: .utf8)
    let typo = try Tool.run(base + ["--out", "d.svg", "--row-labels", "typo.txt"], in: dir)
    XCTAssertEqual(typo.status, 1)
    XCTAssertTrue(typo.stderr.hasPrefix("Error: typo.txt: 'glas_blur' is not a row of this figure; did you mean 'glass_blur'?"), typo.stderr)
    XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("d.svg").path))
  }

  /// The 15 x 6 main-job grid is small enough for one column of a two-column paper (3.3 x 8.7 inches) with --layout compact.
  func testCompactLayoutFitsAPaperColumn() throws {
    func inches(_ name: String) throws -> (Double, Double) {
      let pdf = String(decoding: try Data(contentsOf: dir.appendingPathComponent(name)), as: UTF8.self)
      let box = try XCTUnwrap(pdf.range(of: "/MediaBox [ 0 0 ") ?? pdf.range(of: "/MediaBox [0 0 "))
      let numbers = pdf[box.upperBound...].prefix { $0 != "]" }.split(separator: " ").compactMap { Double($0) }
      return (numbers[0] / 72, numbers[1] / 72)
    }
    // The standard layout (7.4 x 19.3 inches) is measured by hand; the test keeps to one sweep.
    let r = try Tool.run(["--image", dog] + cifar + ["--quiet", "--out", "compact.pdf", "--layout", "compact"], in: dir)
    XCTAssertEqual(r.status, 0, r.stderr)
    let (cw, ch) = try inches("compact.pdf")
    XCTAssertLessThanOrEqual(cw, 3.35)
    XCTAssertLessThanOrEqual(ch, 8.8)
  }

  func testPlotHasOneLegendAxesFromZeroAndItsDPI() throws {
    func results(_ model: String, _ errors: [Int]) -> String {
      var csv = "model,corruption,severity,images,correct,errors,error,mean_confidence\n\(model),clean,0,100,75,25,0.25,0.9\n"
      for (c, e) in zip(["brightness", "gaussian_noise"], errors) {
        for s in 1...5 { csv += "\(model),\(c),\(s),100,\(100 - e - 2 * s),\(e + 2 * s),\(Double(e + 2 * s) / 100),0.5\n" }
      }
      return csv
    }
    try results("model-a", [6, 30]).write(to: dir.appendingPathComponent("a.csv"), atomically: true, encoding: .utf8)
    try results("model-b", [8, 50]).write(to: dir.appendingPathComponent("b.csv"), atomically: true, encoding: .utf8)
    let r = try Tool.run(["plot", "a.csv", "b.csv", "--out", "p.svg"], in: dir)
    XCTAssertEqual(r.status, 0, r.stderr)
    let svg = try text("p.svg")
    XCTAssertEqual(svg.components(separatedBy: ">model-a</text>").count - 1, 1, "one legend for the figure")
    XCTAssertEqual(svg.components(separatedBy: ">model-b</text>").count - 1, 1)
    XCTAssertTrue(svg.contains(">Brightness</text>") && svg.contains(">Gaussian noise</text>"))
    // Three plots (average, brightness, noise), each axis from 0.
    XCTAssertEqual(svg.components(separatedBy: ">0</text>").count - 1, 3)
    let independent = try Tool.run(["plot", "a.csv", "b.csv", "--out", "i.svg", "--y-range", "independent"], in: dir)
    XCTAssertEqual(independent.status, 0, independent.stderr)
    XCTAssertFalse(try text("i.svg").contains(">0</text>"))
    XCTAssertEqual(try Tool.run(["plot", "a.csv", "--out", "p.png", "--dpi", "300", "--y-range", "0:100", "--no-title"], in: dir).status, 0)
    XCTAssertEqual(try dpi("p.png"), 300, accuracy: 0.01)
    let bad = try Tool.run(["plot", "a.csv", "--out", "x.png", "--y-range", "10:5"], in: dir)
    XCTAssertEqual(bad.status, 64)
    XCTAssertTrue(bad.stderr.hasPrefix("Error: --y-range must be zero, shared, independent or MIN:MAX"), bad.stderr)
  }
}
