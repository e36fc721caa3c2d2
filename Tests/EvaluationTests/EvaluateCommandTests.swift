import Corruptions
import Evaluation
import Foundation
import Imaging
import ToolTestSupport
import XCTest

/// `gradcam evaluate`, `merge`, `plot` and `table` run as a user runs them, on the committed CIFAR-10
/// test images with the bundled ResNet-56.
final class EvaluateCommandTests: XCTestCase {
  private var tmp: URL!

  override func setUpWithError() throws {
    tmp = try EvalTool.temporaryDirectory()
  }

  override func tearDown() { if let tmp { try? FileManager.default.removeItem(at: tmp) } }

  private func data(_ dir: URL, _ name: String) throws -> Data { try Data(contentsOf: dir.appendingPathComponent(name)) }

  private func summary(_ dir: URL) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: data(dir, "summary.json")) as! [String: Any]
  }

  /// Clean error equals `gradcam predict`'s: 789 of 846 correct (6.74 %).
  func testCleanErrorMatchesPredict() throws {
    let out = tmp.appendingPathComponent("clean")
    try EvalTool.run(["evaluate", "--data", EvalTool.cifar.path, "--corruptions", "none", "--out", out.path, "--quiet"])
    let csv = try String(contentsOf: out.appendingPathComponent("results.csv"), encoding: .utf8)
    XCTAssertTrue(csv.hasPrefix("model,corruption,severity,images,correct,errors,error,mean_confidence\ncifar10-resnet56,clean,0,846,789,57,0.067376,"), csv)
    let s = try summary(out)
    XCTAssertEqual(s["clean_error"] as! Double, 57.0 / 846, accuracy: 1e-12)
    XCTAssertNil(s["mce"], "no AlexNet normalisation for a 10-class model")
  }

  /// Per (corruption, severity) correct counts equal PyTorch's on the same corrupted images
  /// (Scripts/fixtures/make_eval_fixtures.py).
  func testCountsMatchPyTorch() throws {
    let url = Bundle.module.url(forResource: "pytorch_eval_counts", withExtension: "json", subdirectory: "Fixtures")!
    let fixture = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    let cells = fixture["cells"] as! [[String: Any]]
    let corruptions = Array(Set(cells.map { $0["corruption"] as! String })).sorted()
    let out = tmp.appendingPathComponent("parity")
    try EvalTool.run([
      "evaluate", "--data", EvalTool.cifar.path, "--corruptions", corruptions.joined(separator: ","), "--severities", "1-5",
      "--shard", fixture["shard"] as! String, "--out", out.path, "--quiet",
    ])
    let s = try summary(out)
    let clean = s["clean"] as! [String: Any]
    let expectedClean = fixture["clean"] as! [String: Any]
    XCTAssertEqual(clean["images"] as! Int, expectedClean["images"] as! Int)
    XCTAssertEqual(clean["correct"] as! Int, expectedClean["correct"] as! Int)
    let got = Dictionary(uniqueKeysWithValues: (s["cells"] as! [[String: Any]]).map {
      ("\($0["corruption"]!)/\($0["severity"]!)", ($0["images"] as! Int, $0["correct"] as! Int))
    })
    XCTAssertEqual(got.count, cells.count)
    for c in cells {
      let key = "\(c["corruption"]!)/\(c["severity"]!)"
      XCTAssertEqual(got[key]?.0, c["images"] as? Int, key)
      XCTAssertEqual(got[key]?.1, c["correct"] as? Int, key)
    }
  }

  private let smallRun = ["--limit", "32", "--corruptions", "gaussian_noise,snow,elastic_transform", "--severities", "1-3"]

  /// 4 shards merged equal one run byte for byte; a run killed at a random point (plus a torn
  /// final line) and resumed equals an uninterrupted one.
  func testShardsMergeAndKilledRunResumes() throws {
    let base = ["evaluate", "--data", EvalTool.cifar.path, "--batch-size", "16"] + smallRun
    let single = tmp.appendingPathComponent("single")
    try EvalTool.run(base + ["--out", single.path, "--quiet"])
    var shards: [String] = []
    for i in 0..<4 {
      let d = tmp.appendingPathComponent("shard\(i)")
      try EvalTool.run(base + ["--shard", "\(i)/4", "--out", d.path, "--quiet"])
      shards.append(d.path)
    }
    let merged = tmp.appendingPathComponent("merged")
    try EvalTool.run(["merge"] + shards.reversed() + ["--out", merged.path, "--quiet"])
    for f in ["results.csv", "summary.json"] {
      XCTAssertEqual(try data(merged, f), try data(single, f), "merged \(f) differs from the unsharded run")
    }
    XCTAssertEqual(try summary(merged)["complete"] as? Bool, true)

    // Kill a run after a random number of rows, tear its last line, resume.
    let killed = tmp.appendingPathComponent("killed")
    let process = Process()
    process.executableURL = EvalTool.executable
    process.arguments = base + ["--out", killed.path, "--quiet"]
    try process.run()
    let target = Int.random(in: 20...240)
    let rowsURL = killed.appendingPathComponent("rows.csv")
    let deadline = Date().addingTimeInterval(60)
    while Date() < deadline {
      let lines = ((try? String(contentsOf: rowsURL, encoding: .utf8)) ?? "").split(separator: "\n").count
      if lines > target || !process.isRunning { break }
      usleep(2_000)
    }
    let killedMidway = process.isRunning
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    XCTAssertTrue(killedMidway, "the run finished before it could be killed")
    let handle = try FileHandle(forWritingTo: rowsURL)
    try handle.seekToEnd()
    try handle.write(contentsOf: Data("17,snow,2,3,3,1,0.9".utf8))  // a torn write
    try handle.close()
    let resumed = try EvalTool.run(base + ["--out", killed.path])
    XCTAssertTrue(resumed.stderr.contains("resume: dropped 1 torn or duplicate row(s)"), resumed.stderr)
    for f in ["results.csv", "summary.json"] {
      XCTAssertEqual(try data(killed, f), try data(single, f), "resumed \(f) differs from the uninterrupted run")
    }
    let rows = try RowLog.read(rowsURL)
    XCTAssertEqual(rows.dropped, 0)
    XCTAssertEqual(rows.rows.count, 32 * 10)
    XCTAssertEqual(Set(rows.rows.map(\.key)).count, 32 * 10)

    // Plot and table from the results.
    let csv = single.appendingPathComponent("results.csv").path
    try EvalTool.run(["plot", csv, merged.appendingPathComponent("results.csv").path, "--out", tmp.appendingPathComponent("fig.png").path])
    try EvalTool.run(["plot", csv, "--out", tmp.appendingPathComponent("fig.pdf").path])
    try EvalTool.run(["plot", csv, "--corruption", "snow", "--out", tmp.appendingPathComponent("snow.svg").path])
    let png = try ImageFile.read(tmp.appendingPathComponent("fig.png"))
    XCTAssertGreaterThan(png.width, png.height)
    XCTAssertTrue(try data(tmp, "fig.pdf").starts(with: Data("%PDF".utf8)))
    XCTAssertTrue(try String(contentsOf: tmp.appendingPathComponent("snow.svg"), encoding: .utf8).contains("<svg"))
    let md = try EvalTool.run(["table", csv])
    XCTAssertTrue(md.stdout.hasPrefix("| Model | Clean | mean | Gaussian noise | Snow | Elastic transform |\n|---|"), md.stdout)
    XCTAssertTrue(md.stdout.contains("| cifar10-resnet56 | "), md.stdout)
    // (CE of a CIFAR-10 model needs a user baseline: EvaluateLabelsAndMetricsTests.)
    let tex = try EvalTool.run(["table", csv, "--format", "latex"])
    XCTAssertTrue(tex.stdout.contains("\\begin{tabular}") && tex.stdout.contains("cifar10-resnet56"), tex.stdout)
  }

  /// With --cam: per-image attention shift in the rows, aggregates in cam.csv and summary.json,
  /// and sharded CAM runs merge exactly too.
  func testCAMShift() throws {
    let base = ["evaluate", "--data", EvalTool.cifar.path, "--limit", "6", "--corruptions", "contrast,gaussian_noise",
                "--severities", "1,5", "--cam"]
    let single = tmp.appendingPathComponent("cam")
    try EvalTool.run(base + ["--out", single.path, "--quiet"])
    let rows = try RowLog.read(single.appendingPathComponent("rows.csv")).rows
    XCTAssertEqual(rows.count, 6 * 5)
    for r in rows {
      if r.corruption == "clean" { XCTAssertNil(r.shift) } else {
        let s = try XCTUnwrap(r.shift)
        XCTAssertTrue((-1...1).contains(s.rankCorrelation) && (0...1).contains(s.topIoU) && s.centerShift >= 0)
      }
    }
    let cam = try String(contentsOf: single.appendingPathComponent("cam.csv"), encoding: .utf8).split(separator: "\n")
    XCTAssertEqual(cam.first, "model,corruption,severity,images,cam_images,rank_corr,top_iou,center_shift,entropy_change")
    XCTAssertEqual(cam.count, 1 + 4)
    let cells = try summary(single)["cells"] as! [[String: Any]]
    XCTAssertNotNil(cells[0]["cam"])
    let shards = try (0..<2).map { i -> String in
      let d = tmp.appendingPathComponent("cam\(i)")
      try EvalTool.run(base + ["--shard", "\(i)/2", "--out", d.path, "--quiet"])
      return d.path
    }
    let merged = tmp.appendingPathComponent("cam-merged")
    try EvalTool.run(["merge"] + shards + ["--out", merged.path, "--quiet"])
    for f in ["results.csv", "summary.json", "cam.csv"] {
      XCTAssertEqual(try data(merged, f), try data(single, f), f)
    }
    // Resuming from rows that stop inside an image (its clean row done, some corrupted rows not)
    // recomputes the CAM reference and gives the same result.
    let partial = tmp.appendingPathComponent("cam-partial")
    try FileManager.default.createDirectory(at: partial, withIntermediateDirectories: true)
    try data(single, "meta.json").write(to: partial.appendingPathComponent("meta.json"))
    let lines = try String(contentsOf: single.appendingPathComponent("rows.csv"), encoding: .utf8).split(separator: "\n")
    try (lines.prefix(1 + 13).joined(separator: "\n") + "\n").write(to: partial.appendingPathComponent("rows.csv"), atomically: true, encoding: .utf8)
    try EvalTool.run(base + ["--out", partial.path, "--quiet"])
    for f in ["results.csv", "summary.json", "cam.csv"] {
      XCTAssertEqual(try data(partial, f), try data(single, f), "resumed CAM run: \(f)")
    }
  }

  /// A CIFAR-10-C style .npy folder and an ImageNet-C style tree holding the same corrupted images
  /// give the same results as corrupting on the fly.
  func testNPYAndTreeLayouts() throws {
    let n = 12
    let corruptions: [Corruption] = [.shotNoise, .pixelate]
    let items = Array(try DatasetBuilder.scan(EvalTool.cifar).prefix(n))
    let classes = Array(Set(try DatasetBuilder.scan(EvalTool.cifar).map(\.className))).sorted()
    let npy = tmp.appendingPathComponent("npy"), tree = tmp.appendingPathComponent("tree")
    try FileManager.default.createDirectory(at: npy, withIntermediateDirectories: true)
    let clean = try items.map { try ImageFile.read($0.url) }
    for c in corruptions {
      var pixels: [UInt8] = []
      for s in 1...5 {
        for (item, image) in zip(items, clean) {
          let seed = DatasetBuilder.seed(base: 0, fileIndex: item.index, corruption: c, severity: s)
          let x = try Corruptions.apply(image, c, severity: s, seed: seed)
          pixels += x.pixels
          let dir = tree.appendingPathComponent("\(c.name)/\(s)/\(item.className)")
          try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
          try ImageFile.write(x, to: dir.appendingPathComponent(item.url.deletingPathExtension().lastPathComponent + ".png"))
        }
      }
      try npyFile(shape: [5 * n, 32, 32, 3], pixels).write(to: npy.appendingPathComponent("\(c.name).npy"))
    }
    let labels = (0..<5).flatMap { _ in items.map { UInt8(classes.firstIndex(of: $0.className)!) } }
    try npyFile(shape: [5 * n], labels).write(to: npy.appendingPathComponent("labels.npy"))
    try npyFile(shape: [n, 32, 32, 3], clean.flatMap(\.pixels)).write(to: npy.appendingPathComponent("clean.npy"))

    let common = ["--corruptions", "shot_noise,pixelate", "--quiet"]
    let fly = tmp.appendingPathComponent("fly"), a = tmp.appendingPathComponent("a"), b = tmp.appendingPathComponent("b")
    try EvalTool.run(["evaluate", "--data", EvalTool.cifar.path, "--limit", "\(n)", "--out", fly.path] + common)
    try EvalTool.run(["evaluate", "--corrupted-root", npy.path, "--out", a.path] + common)
    try EvalTool.run(["evaluate", "--corrupted-root", tree.path, "--data", EvalTool.cifar.path, "--limit", "\(n)", "--out", b.path] + common)
    XCTAssertEqual(try data(a, "results.csv"), try data(fly, "results.csv"))
    XCTAssertEqual(try data(b, "results.csv"), try data(fly, "results.csv"))
    XCTAssertEqual(try summary(a)["source_kind"] as? String, "npy")

    // A truncated file in the tree (image 7, pixelate at severity 4): small images are read inside
    // the loop that evaluates them, and the error still names the job and the file, with no rows.
    let bad = tree.appendingPathComponent("pixelate/4/\(items[7].className)/\(items[7].url.deletingPathExtension().lastPathComponent).png")
    try Data(try Data(contentsOf: bad).prefix(60)).write(to: bad)
    let c = tmp.appendingPathComponent("c")
    let r = try BuiltTool.run(["evaluate", "--corrupted-root", tree.path, "--data", EvalTool.cifar.path, "--limit", "\(n)", "--out", c.path] + common)
    XCTAssertEqual(r.status, 1, r.stderr)
    XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
    XCTAssertTrue(r.stderr.contains("image 7 pixelate s4: ") && r.stderr.contains(bad.path) && r.stderr.contains("truncated"), r.stderr)
    XCTAssertEqual(try String(contentsOf: c.appendingPathComponent("rows.csv"), encoding: .utf8).split(separator: "\n").count, 1)
  }

  /// A version-1.0 .npy file of uint8 values.
  private func npyFile(shape: [Int], _ values: [UInt8]) -> Data {
    var header = "{'descr': '|u1', 'fortran_order': False, 'shape': (\(shape.map(String.init).joined(separator: ", "))\(shape.count == 1 ? "," : "")), }"
    while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
    header += "\n"
    var d = Data([0x93]) + Data("NUMPY".utf8) + Data([1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)])
    d += Data(header.utf8)
    d += Data(values)
    return d
  }
}
