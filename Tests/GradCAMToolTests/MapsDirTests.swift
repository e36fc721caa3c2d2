import Foundation
import GradCAM
import NPY
import XCTest

/// `--maps-dir`: one folder per image even when file names repeat, holding the maps the figure
/// shows, from which the report's attention-shift numbers are recomputed exactly.
final class MapsDirTests: XCTestCase {
  func testMapsAreUniquePerImageAndReproduceTheReport() throws {
    let dir = try Tool.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    for (folder, source) in [("a", "examples/cifar-dog.png"), ("b", "examples/dog.png")] {
      try FileManager.default.createDirectory(at: dir.appendingPathComponent(folder), withIntermediateDirectories: true)
      try FileManager.default.copyItem(
        at: Tool.packageRoot.appendingPathComponent(source), to: dir.appendingPathComponent("\(folder)/dog.png"))
    }
    let r = try Tool.run(
      ["--model", "cifar10-resnet56", "--image", "a/dog.png", "--image", "b/dog.png", "--corruptions", "snow,contrast",
       "--severities", "1,4", "--maps-dir", "maps", "--report", "r.json", "-o", "fig.png", "--quiet"], in: dir)
    XCTAssertEqual(r.status, 0, r.stderr)
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("r.json"))) as! [String: Any]
    let images = json["images"] as! [[String: Any]]
    XCTAssertEqual(images.count, 2)
    var checked = 0
    for (folder, image) in zip(["a/dog", "b/dog"], images) {
      XCTAssertTrue((image["path"] as! String).hasSuffix("\(folder).png"), "\(image["path"]!)")
      let clean = try NPYArray(contentsOf: dir.appendingPathComponent("maps/\(folder)/clean.npy"))
      XCTAssertEqual(clean.shape, [32, 32])
      XCTAssertEqual(image["mapWidth"] as? Int, 32)
      let scale = Double(image["displayWidth"] as! Int) / 32
      for cell in (image["cells"] as! [[String: Any]]).dropFirst() {
        let key = "\(cell["corruption"] as! String)-s\(cell["severity"] as! Int)"
        let map = try NPYArray(contentsOf: dir.appendingPathComponent("maps/\(folder)/\(key).npy"))
        let s = AttentionShift(map: map.floats, reference: clean.floats, width: 32, height: 32, scale: scale)
        let reported = try XCTUnwrap(cell["attentionShift"] as? [String: Double], key)
        // Equal up to the JSON text round trip (Foundation's number parsing on Linux).
        for (value, name) in zip(s.values, AttentionShift.metricNames) {
          XCTAssertEqual(value, reported[name]!, accuracy: 1e-12 * max(1, abs(value)), "\(folder) \(key) \(name)")
        }
        checked += 1
      }
    }
    XCTAssertEqual(checked, 2 * 4)
  }

  func testFolderNames() {
    XCTAssertEqual(SweepResult.mapFolderNames(for: ["/x/cat.png", "/x/dog.png"]), ["cat", "dog"])
    XCTAssertEqual(SweepResult.mapFolderNames(for: ["/x/a/dog.png", "/x/b/dog.png", "/x/b/cat.jpg"]), ["a/dog", "b/dog", "b/cat"])
    XCTAssertEqual(SweepResult.mapFolderNames(for: ["/x/dog.png", "/x/dog.jpg"]), ["dog.png", "dog.jpg"])
  }
}
