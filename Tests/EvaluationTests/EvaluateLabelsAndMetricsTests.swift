import Evaluation
import Foundation
import Imaging
import ToolTestSupport
import XCTest

/// `evaluate` on class subsets (labels by class name), `table --metric ce` only where a baseline
/// applies, rows with the image path, and the attention-shift metrics in `plot` and `table`.
final class EvaluateLabelsAndMetricsTests: XCTestCase {
  private var tmp: URL!

  override func setUpWithError() throws { tmp = try EvalTool.temporaryDirectory() }
  override func tearDown() { if let tmp { try? FileManager.default.removeItem(at: tmp) } }

  /// A dataset of only `cat/` and `dog/` (8 CIFAR-10 test images each, linked).
  private func catsAndDogs(_ folders: [String: String] = ["cat": "cat", "dog": "dog"]) throws -> URL {
    let data = tmp.appendingPathComponent("data-\(folders.keys.sorted().joined(separator: "-"))")
    for (folder, source) in folders {
      let dir = data.appendingPathComponent(folder)
      try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
      let files = try FileManager.default.contentsOfDirectory(atPath: EvalTool.cifar.appendingPathComponent(source).path).sorted().prefix(8)
      for f in files {
        try FileManager.default.createSymbolicLink(
          at: dir.appendingPathComponent(f), withDestinationURL: EvalTool.cifar.appendingPathComponent(source).appendingPathComponent(f))
      }
    }
    return data
  }

  /// The case: a cat/dog subset was labelled 0 and 1 and scored 100% error. Its labels are
  /// CIFAR-10's 3 and 5, and its error is `predict`'s on the same files.
  func testClassSubsetIsLabelledByName() throws {
    let data = try catsAndDogs()
    let out = tmp.appendingPathComponent("subset")
    try EvalTool.run(["evaluate", "--data", data.path, "--corruptions", "none", "--out", out.path, "--quiet"])
    let rows = try RowLog.read(out.appendingPathComponent("rows.csv")).rows
    XCTAssertEqual(rows.count, 16)
    for r in rows { XCTAssertEqual(r.label, r.path.hasPrefix("cat/") ? 3 : 5, r.path) }
    let predictions = tmp.appendingPathComponent("predict.csv")
    try EvalTool.run(["predict", "--model", "cifar10-resnet56", data.path, "--csv", predictions.path, "--quiet"])
    let lines = try String(contentsOf: predictions, encoding: .utf8).split(separator: "\n").dropFirst()
    let correct = lines.filter { line in
      let f = line.split(separator: ",")
      return Int(f[1]) == (f[0].contains("/cat/") ? 3 : 5)
    }.count
    XCTAssertEqual(rows.filter(\.correct).count, correct)
    XCTAssertGreaterThan(correct, 12, "ResNet-56 gets most cats and dogs right")
    // rows.csv names each image.
    XCTAssertEqual(Set(rows.map(\.path)).count, 16)
    XCTAssertTrue(rows.contains { $0.path == "cat/00000.png" })
    let text = try String(contentsOf: out.appendingPathComponent("rows.csv"), encoding: .utf8)
    XCTAssertTrue(text.hasPrefix(EvalRow.header + "\n"), text)
  }

  func testUnmatchedFoldersAreRefusedAndAClassMapFixesThem() throws {
    let data = try catsAndDogs(["cat": "cat", "puppy": "dog"])
    let out = tmp.appendingPathComponent("refused")
    let r = try BuiltTool.run(["evaluate", "--data", data.path, "--corruptions", "none", "--out", out.path, "--quiet"])
    XCTAssertEqual(r.status, 1)
    XCTAssertEqual(
      r.stderr,
      "Error: 1 of 2 class folders match none of the model's 10 classes by name: 'puppy'; give --class-map FILE with folder,class lines\n")
    XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("rows.csv").path))
    let map = tmp.appendingPathComponent("map.csv")
    try "folder,class\npuppy,dog\ncat,3\n".write(to: map, atomically: true, encoding: .utf8)
    try EvalTool.run(["evaluate", "--data", data.path, "--corruptions", "none", "--class-map", map.path, "--out", out.path, "--quiet"])
    let rows = try RowLog.read(out.appendingPathComponent("rows.csv")).rows
    XCTAssertEqual(Set(rows.map(\.label)), [3, 5])
  }

  /// CE needs a baseline that applies: none for a CIFAR-10 model (evaluate computed none), a user's
  /// baseline file for any model.
  func testTableCEOnlyWithABaselineThatApplies() throws {
    let data = try catsAndDogs()
    let out = tmp.appendingPathComponent("ce")
    try EvalTool.run(["evaluate", "--data", data.path, "--corruptions", "fog", "--severities", "1,2", "--out", out.path, "--quiet"])
    let csv = out.appendingPathComponent("results.csv").path
    let refused = try BuiltTool.run(["table", csv, "--metric", "ce"])
    XCTAssertEqual(refused.status, 1)
    XCTAssertEqual(refused.stdout, "")
    XCTAssertEqual(refused.stderr, "Error: no CE/mCE: cifar10-resnet56: its run has no CE baseline (a 10-class model; give --baseline FILE)\n")
    let alex = try BuiltTool.run(["table", csv, "--metric", "ce", "--baseline", "alexnet"])
    XCTAssertEqual(alex.status, 1)
    XCTAssertTrue(alex.stderr.contains("the AlexNet baseline is for ImageNet-1k models on ImageNet-C; this model has 10 classes"), alex.stderr)
    let baseline = tmp.appendingPathComponent("baseline.csv")
    try "corruption,severity,error\nclean,0,0.1\nfog,1,0.2\nfog,2,0.3\n".write(to: baseline, atomically: true, encoding: .utf8)
    let mine = try EvalTool.run(["table", csv, "--metric", "ce", "--baseline", baseline.path, "--format", "csv"])
    XCTAssertTrue(mine.stdout.hasPrefix("Model,Clean,mCE,rel. mCE,fog\ncifar10-resnet56,"), mine.stdout)
    // The figure: the CE = 100 · (E1 + E2) / (0.2 + 0.3).
    let models = try ResultsFile.read(URL(fileURLWithPath: csv))
    let cells = models[0].cells.filter { $0.corruption == "fog" }
    let ce = 100 * cells.map(\.error).reduce(0, +) / 0.5
    XCTAssertTrue(mine.stdout.hasSuffix(String(format: ",%.1f\n", ce)), mine.stdout)
  }

  /// Attention shift per corruption and severity from `evaluate --cam`: the table's mean and 95%
  /// interval equal a float64 recomputation from rows.csv (Student t from scipy.stats.t.ppf), and
  /// the plot renders.
  func testShiftMetricsInTableAndPlot() throws {
    let out = tmp.appendingPathComponent("cam")
    try EvalTool.run([
      "evaluate", "--data", EvalTool.cifar.path, "--limit", "12", "--corruptions", "contrast,gaussian_noise", "--severities", "1,5",
      "--cam", "--out", out.path, "--quiet",
    ])
    let csv = out.appendingPathComponent("results.csv").path
    let rows = try RowLog.read(out.appendingPathComponent("rows.csv")).rows
    let table = try EvalTool.run(["table", csv, "--metric", "rank_corr", "--format", "csv"])
    let lines = table.stdout.split(separator: "\n")
    XCTAssertEqual(lines[0], "Model,mean,mean_ci95,gaussian_noise,gaussian_noise_ci95,contrast,contrast_ci95")  // ImageNet-C order
    // contrast: per image the mean over severities 1 and 5, then mean ± t(0.975, 11) · s / √12.
    var perImage: [Double] = []
    for i in 0..<12 {
      let v = rows.filter { $0.image == i && $0.corruption == "contrast" }.map { $0.shift!.rankCorrelation }
      XCTAssertEqual(v.count, 2)
      perImage.append(v.reduce(0, +) / 2)
    }
    let mean = perImage.reduce(0, +) / 12
    let sd = (perImage.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 11).squareRoot()
    let ci = 2.200985 * sd / 12.0.squareRoot()
    let f = lines[1].split(separator: ",")
    XCTAssertEqual(f[0], "cifar10-resnet56")
    XCTAssertEqual(Double(f[5])!, mean, accuracy: 5e-4)
    XCTAssertEqual(Double(f[6])!, ci, accuracy: 5e-4)
    let md = try EvalTool.run(["table", csv, "--metric", "top_iou"])
    XCTAssertTrue(md.stdout.hasPrefix("| Model | mean | Gaussian noise | Contrast |\n"), md.stdout)
    XCTAssertTrue(md.stdout.contains(" ± "), md.stdout)
    let png = tmp.appendingPathComponent("rank.png")
    try EvalTool.run(["plot", csv, "--metric", "rank_corr", "--out", png.path])
    let image = try ImageFile.read(png)
    XCTAssertGreaterThan(image.width, 500)
    try EvalTool.run(["plot", csv, "--metric", "center_shift", "--corruption", "contrast", "--out", tmp.appendingPathComponent("shift.png").path])
    // A run without --cam has no shift to plot.
    let plain = tmp.appendingPathComponent("plain")
    try EvalTool.run(["evaluate", "--data", EvalTool.cifar.path, "--limit", "2", "--corruptions", "fog", "--severities", "1", "--out", plain.path, "--quiet"])
    let r = try BuiltTool.run(["plot", plain.appendingPathComponent("results.csv").path, "--metric", "top_iou", "--out", tmp.appendingPathComponent("x.png").path])
    XCTAssertEqual(r.status, 1)
    XCTAssertTrue(r.stderr.contains("has no top_iou values (run gradcam evaluate --cam)"), r.stderr)
  }

  func testStudentTQuantiles() {
    // scipy.stats.t.ppf(0.975, df) (scipy 1.17.1).
    let reference: [(Int, Double)] = [(1, 12.706205), (11, 2.200985), (30, 2.042272), (31, 2.039513446396408), (50, 2.008559112100761), (1000, 1.9623390808264083)]
    for (df, t) in reference { XCTAssertEqual(StudentT.quantile975(df: df), t, accuracy: 1e-6, "df \(df)") }
  }

}
