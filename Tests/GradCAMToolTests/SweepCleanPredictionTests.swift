import Foundation
import GradCAM
import Imaging
import Networks
import XCTest

/// The sweep's clean column shows what `predict` says about the same photo: the sweep corrupts
/// the model's own resize/crop of the image and only normalises it before the model (no second
/// resize and crop). Reference: `Predictor` (`gradcam predict`) on the same file and model;
/// probabilities within 1e-5 (the CAM pass and the plain forward pass batch differently).
final class SweepCleanPredictionTests: XCTestCase {
  let dog = Tool.packageRoot.appendingPathComponent("examples/dog.png")

  func testLibrarySweepCleanCellEqualsPredictor() throws {
    let model = try BundledModels.load("efficientnet-lite0")
    let preprocessing = try Preprocessing.profile(named: model.input.profile)
    let image = try ImageFile.read(dog)
    let predicted = try Predictor(model: model, preprocessing: preprocessing).predict([image], topK: 5)[0]
    let sweep = CorruptionSweep(
      explainer: try CAMExplainer(model: model, method: .gradCAM), preprocessing: preprocessing,
      corruptions: [.fog], severities: [1])
    let result = try sweep.run(image)
    XCTAssertEqual(result.clean.image.width, 224)
    XCTAssertEqual(result.clean.image, preprocessing.pixels(image), "the display image is the model's crop")
    XCTAssertEqual(result.clean.predicted, predicted.predicted)
    XCTAssertEqual(Double(result.clean.confidence), Double(predicted.top[0].probability), accuracy: 1e-5)
    XCTAssertEqual(result.clean.top.map(\.index), predicted.top.map(\.index))
  }

  /// The same through the command line: `gradcam predict --csv`, the sweep's JSON report and the
  /// HTML report's clean cell name one class with one probability.
  func testCommandsAgreeOnTheCleanPrediction() throws {
    let dir = try Tool.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let p = try Tool.run(["predict", dog.path, "--csv", "p.csv", "--quiet"], in: dir)
    XCTAssertEqual(p.status, 0, p.stderr)
    let row = try String(contentsOf: dir.appendingPathComponent("p.csv"), encoding: .utf8)
      .split(separator: "\n")[1].split(separator: ",").map(String.init)
    let (index, name, probability) = (Int(row[1])!, row[2], Double(row[3])!)

    let s = try Tool.run(
      ["--image", dog.path, "--severities", "1", "--corruptions", "fog", "--report", "r.json", "--quiet"], in: dir)
    XCTAssertEqual(s.status, 0, s.stderr)
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("r.json"))) as! [String: Any]
    let clean = ((json["images"] as! [[String: Any]])[0]["cells"] as! [[String: Any]])[0]
    XCTAssertNil(clean["corruption"] as? String)
    XCTAssertEqual(clean["predictedIndex"] as? Int, index)
    XCTAssertEqual(try XCTUnwrap(clean["confidence"] as? Double), probability, accuracy: 1e-5)

    let h = try Tool.run(
      ["--image", dog.path, "--severities", "1", "--corruptions", "fog", "--out", "r.html", "--quiet"], in: dir)
    XCTAssertEqual(h.status, 0, h.stderr)
    let page = try String(contentsOf: dir.appendingPathComponent("r.html"), encoding: .utf8)
    let open = #"<script type="application/json" id="report-data">"#
    let start = try XCTUnwrap(page.range(of: open)).upperBound
    let end = try XCTUnwrap(page.range(of: "</script>", range: start..<page.endIndex)).lowerBound
    let payload = try JSONSerialization.jsonObject(with: Data(page[start..<end].utf8)) as! [String: Any]
    let top = (((payload["panels"] as! [[String: Any]])[0]["clean"] as! [String: Any])["top"] as! [[String: Any]])[0]
    XCTAssertEqual(top["label"] as? String, name)
    XCTAssertEqual(try XCTUnwrap(top["probability"] as? Double), probability, accuracy: 1e-5)
  }
}
