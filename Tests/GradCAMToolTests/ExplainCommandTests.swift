import Foundation
import NPY
import XCTest

/// The main job, `gradcam --image ... --severities ...`, and `cam` / `corrupt`, run as a user would.
final class ExplainCommandTests: XCTestCase {
  var dog: String { Tool.packageRoot.appendingPathComponent("examples/cifar-dog.png").path }

  func testMainJobWritesFigureMapsAndReport() throws {
    let dir = try Tool.temporaryDirectory()
    let r = try Tool.run(
      ["--model", "cifar10-resnet56", "--image", dog, "--severities", "1-2", "--corruptions", "glass_blur,snow,saturate", "--maps-dir", "maps",
       "--report", "r.json", "--raw-maps", "--quiet"], in: dir)
    XCTAssertEqual(r.status, 0, r.stderr)
    // Default figure name, a real PNG.
    let figure = try Data(contentsOf: dir.appendingPathComponent("gradcam-cifar-dog.png"))
    XCTAssertEqual(Array(figure.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
    // Every map the figure shows (upsampled to the 32x32 input) and, with --raw-maps, every raw one.
    let keys = ["clean", "glass_blur-s1", "glass_blur-s2", "saturate-s1", "saturate-s2", "snow-s1", "snow-s2"]
    let names = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("maps/cifar-dog").path).sorted()
    XCTAssertEqual(names, (keys.map { "\($0).npy" } + keys.map { "raw_\($0).npy" }).sorted())
    let clean = try NPYArray(contentsOf: dir.appendingPathComponent("maps/cifar-dog/clean.npy"))
    XCTAssertEqual(clean.shape, [32, 32])
    let rawClean = try NPYArray(contentsOf: dir.appendingPathComponent("maps/cifar-dog/raw_clean.npy"))
    XCTAssertEqual(rawClean.shape, [8, 8])  // CIFAR ResNet-56 layer3 at 32x32 input
    // The report: what ran, and per cell prediction and attention shift.
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("r.json"))) as! [String: Any]
    XCTAssertEqual(json["method"] as? String, "gradcam")
    XCTAssertEqual(json["layer"] as? String, "layer3")
    XCTAssertEqual(json["correctnessReference"] as? String, "clean prediction")
    let image = (json["images"] as! [[String: Any]])[0]
    XCTAssertEqual(image["explainedClass"] as? String, "dog")
    let cells = image["cells"] as! [[String: Any]]
    XCTAssertEqual(cells.count, 1 + 3 * 2)
    XCTAssertEqual(cells[0]["correct"] as? Bool, true)
    let shift = try XCTUnwrap(cells[1]["attentionShift"] as? [String: Double])
    XCTAssertEqual(Set(shift.keys), ["rank_corr", "top_iou", "center_shift", "entropy_change"])
  }

  func testVectorOutputAndLabel() throws {
    let dir = try Tool.temporaryDirectory()
    let r = try Tool.run(["--model", "cifar10-resnet56", "--image", dog, "--severities", "3", "--corruptions", "fog", "--label", "cat", "-o", "fig.pdf", "--quiet"], in: dir)
    XCTAssertEqual(r.status, 0, r.stderr)
    let pdf = try Data(contentsOf: dir.appendingPathComponent("fig.pdf"))
    XCTAssertEqual(String(decoding: pdf.prefix(5), as: UTF8.self), "%PDF-")
  }

  func testBadInputWritesNothing() throws {
    let dir = try Tool.temporaryDirectory()
    let cases: [([String], String)] = [
      (["--model", "cifar10-resnet56", "--image", dog, "--corruptions", "glas_blur"], "did you mean 'glass_blur'"),
      (["--model", "cifar10-resnet56", "--image", dog, "--severities", "0-3"], "severit"),
      (["--model", "cifar10-resnet56", "--image", dir.appendingPathComponent("missing.png").path], "missing.png"),
      (["--model", "cifar10-resnet56", "--image", dog, "--layer", "layer9"], "unknown layer 'layer9'"),
      (["--model", "cifar10-resnet56", "--image", dog, "--label", "giraffe"], "not a class name"),
      (["--model", "cifar10-resnet56", "--image", dog, "--method", "gradkam"], "gradcam"),
    ]
    for (args, expected) in cases {
      let r = try Tool.run(args + ["--quiet"], in: dir)
      XCTAssertNotEqual(r.status, 0, "\(args)")
      XCTAssertTrue(r.stderr.contains(expected), "\(args): \(r.stderr)")
      XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "\(args): \(r.stderr)")
    }
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [])
  }

  func testCamWritesANumpyMapAndOverlay() throws {
    let dir = try Tool.temporaryDirectory()
    let r = try Tool.run(["cam", "--model", "cifar10-resnet56", "--image", dog, "--out", "m.npy", "--overlay", "o.png", "--target", "5"], in: dir)
    XCTAssertEqual(r.status, 0, r.stderr)
    let map = try NPYArray(contentsOf: dir.appendingPathComponent("m.npy"))
    XCTAssertEqual(map.shape, [32, 32])
    XCTAssertEqual(map.elementType, .float32)
    XCTAssertEqual(Double(map.floats.max()!), 1, accuracy: 1e-6)
    XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("o.png").path))
    let bad = try Tool.run(["cam", "--model", "cifar10-resnet56", "--image", dog, "--out", "x.npy", "--target", "label"], in: dir)
    XCTAssertNotEqual(bad.status, 0)
    XCTAssertTrue(bad.stderr.contains("--label"), bad.stderr)
  }

  func testCorruptOneAndAllCombinations() throws {
    let dir = try Tool.temporaryDirectory()
    let one = try Tool.run(["corrupt", "--image", dog, "--corruption", "glass_blur", "--severity", "3", "--out", "g.png"], in: dir)
    XCTAssertEqual(one.status, 0, one.stderr)
    let all = try Tool.run(["corrupt", "--image", dog, "--corruption", "all", "--severities", "1-5", "--out", "all", "--quiet"], in: dir)
    XCTAssertEqual(all.status, 0, all.stderr)
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("all").path).count, 95)
    // Same seed, same bytes.
    let again = try Tool.run(["corrupt", "--image", dog, "--corruption", "glass_blur", "--severity", "3", "--out", "g2.png"], in: dir)
    XCTAssertEqual(again.status, 0)
    XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("g.png")), try Data(contentsOf: dir.appendingPathComponent("g2.png")))
  }
}

/// The main command with no --model: the bundled ImageNet EfficientNet-Lite0 on the real dog
/// photo of examples/ (README's command), and the note when a photo is squashed into CIFAR's 32x32.
final class DefaultModelTests: XCTestCase {
  func testDogPhotoIsExplainedAsAnImageNetDogByDefault() throws {
    let dog = Tool.packageRoot.appendingPathComponent("examples/dog.png").path
    let dir = try Tool.temporaryDirectory()
    let r = try Tool.run(["--image", dog, "--severities", "1", "--corruptions", "fog", "--report", "r.json", "--quiet"], in: dir)
    XCTAssertEqual(r.status, 0, r.stderr)
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("r.json"))) as! [String: Any]
    XCTAssertEqual(json["model"] as? String, "efficientnet-lite0")
    XCTAssertEqual(json["layer"] as? String, "_conv_head")
    let image = (json["images"] as! [[String: Any]])[0]
    let cls = try XCTUnwrap(image["explainedClass"] as? String)
    // ImageNet-1k's dog classes are indices 151...268 (Chihuahua ... Mexican hairless).
    let names = try String(contentsOf: Tool.packageRoot.appendingPathComponent("Sources/Networks/Resources/imagenet_classes.txt"), encoding: .utf8)
      .split(separator: "\n").map(String.init)
    let index = try XCTUnwrap(names.firstIndex(of: cls), cls)
    XCTAssertTrue((151...268).contains(index), "\(cls) (\(index)) is not a dog class")
  }

  func testPhotoIntoCIFARModelNotesTheResize() throws {
    let dog = Tool.packageRoot.appendingPathComponent("examples/dog.png").path
    let dir = try Tool.temporaryDirectory()
    let r = try Tool.run(["--model", "cifar10-resnet56", "--image", dog, "--severities", "1", "--corruptions", "fog", "--quiet"], in: dir)
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(r.stderr.contains("note: dog.png: 320x380 image resized to 32x32"), r.stderr)
  }
}

/// `--label` by ImageNet class name and `--topk-correct 5` with the default EfficientNet-Lite0.
final class TopKCorrectTests: XCTestCase {
  func testLabelByNameAndTopFiveCorrectness() throws {
    let dog = Tool.packageRoot.appendingPathComponent("examples/dog.png").path
    let dir = try Tool.temporaryDirectory()
    let r = try Tool.run(
      ["--image", dog, "--severities", "1", "--corruptions", "fog", "--label", "Siberian husky", "--topk-correct", "5",
       "--report", "r.json", "--quiet"], in: dir)
    XCTAssertEqual(r.status, 0, r.stderr)
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("r.json"))) as! [String: Any]
    XCTAssertEqual(json["correctnessReference"] as? String, "label in top-5")
    let image = (json["images"] as! [[String: Any]])[0]
    XCTAssertEqual(image["explainedIndex"] as? Int, 250)
    XCTAssertEqual(image["explainedClass"] as? String, "Siberian husky")
    let bad = try Tool.run(["--image", dog, "--topk-correct", "0", "--quiet"], in: dir)
    XCTAssertEqual(bad.status, 64, bad.stderr)
  }
}
