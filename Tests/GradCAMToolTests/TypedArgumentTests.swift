import Foundation
import XCTest

/// Each typed command-line value (Sources/GradCAMTool/Options), through the built binary: valid
/// text is accepted (the run goes on to the next check, here a missing file), invalid text gives
/// the one-line message, suggestion and exit status it gave before the values were typed (1 for
/// values checked when the command runs, 64 for usage errors), and nothing is written.
final class TypedArgumentTests: XCTestCase {
  private var dir: URL!
  private var dog: String { Tool.packageRoot.appendingPathComponent("examples/dog.png").path }
  private let missing = "missing.png"

  override func setUpWithError() throws { dir = try Tool.temporaryDirectory() }

  override func tearDownWithError() throws {
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [], "nothing is written")
    try? FileManager.default.removeItem(at: dir)
  }

  /// The run fails with status 1 and one line starting with `prefix`.
  private func assertFails(_ args: [String], _ prefix: String, line: UInt = #line) throws {
    let r = try Tool.run(args, in: dir)
    XCTAssertEqual(r.status, 1, "\(args): \(r.stderr)", line: line)
    XCTAssertTrue(r.stderr.hasPrefix(prefix), "\(args): \(r.stderr)", line: line)
    XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "\(args): \(r.stderr)", line: line)
  }

  /// The run is a usage error (64) whose message starts with `prefix`, followed by the usage.
  private func assertUsageError(_ args: [String], _ prefix: String, line: UInt = #line) throws {
    let r = try Tool.run(args, in: dir)
    XCTAssertEqual(r.status, 64, "\(args): \(r.stderr)", line: line)
    XCTAssertTrue(r.stderr.hasPrefix(prefix + "\nUsage: gradcam "), "\(args): \(r.stderr)", line: line)
  }

  /// Valid values: the command gets past them to reading the (missing) image.
  private func assertAccepted(_ args: [String], line: UInt = #line) throws {
    try assertFails(args, "Error: invalid image: \(dir.appendingPathComponent(missing).path): cannot read file", line: line)
  }

  func testCorruptionList() throws {
    try assertAccepted(["--image", missing, "--corruptions", "fog,snow"])
    try assertAccepted(["--image", missing, "--corruptions", "all"])
    try assertFails(
      ["--image", dog, "--corruptions", "glas_blur"], "Error: unknown corruption 'glas_blur'; did you mean 'glass_blur'? (valid: ")
    try assertFails(["--image", dog, "--corruptions", "none"], "Error: unknown corruption 'none'")
    try assertFails(["corrupt", "--image", dog, "--corruption", "frots", "--out", "x.png"], "Error: unknown corruption 'frots'; did you mean 'frost'?")
  }

  func testSeverityList() throws {
    try assertAccepted(["--image", missing, "--severities", "1,3"])
    try assertFails(
      ["--image", dog, "--severities", "0-3"],
      "Error: invalid severity '0-3': severities are integers 1 to 5 (e.g. 3, 1,2,5, 1-5 or all)")
    try assertFails(["evaluate", "--data", dir.path, "--out", "e", "--severities", "9"], "Error: invalid severity '9'")
  }

  func testCAMMethod() throws {
    try assertAccepted(["--image", missing, "--method", "gradcam++"])
    try assertFails(["--image", dog, "--method", "gradkam"], "Error: unknown CAM method 'gradkam'; did you mean 'gradcam'")
    try assertFails(["cam", "--image", dog, "--out", "m.npy", "--method", "layercan"], "Error: unknown CAM method 'layercan'; did you mean 'layercam'")
  }

  func testColorMapAndScale() throws {
    try assertAccepted(["--image", missing, "--colormap", "viridis", "--scale", "shared"])
    try assertUsageError(["--image", dog, "--colormap", "jett"], "Error: --colormap must be one of jet, turbo, viridis, inferno; did you mean 'jet'?")
    try assertUsageError(["--image", dog, "--colormap", "coolwarm"], "Error: --colormap must be one of jet, turbo, viridis, inferno")
    try assertUsageError(["--image", dog, "--scale", "x"], "Error: --scale must be per-cell or shared")
  }

  func testShard() throws {
    let data = dir.appendingPathComponent("nodata").path
    try assertFails(["evaluate", "--data", data, "--out", "e", "--shard", "1/3", "--quiet"], "Error: I/O error: \(data): no such folder")
    try assertFails(["evaluate", "--data", dog, "--out", "e", "--quiet"], "Error: I/O error: \(dog): not a folder")
    try assertUsageError(
      ["evaluate", "--data", data, "--out", "e", "--shard", "3/2"], "Error: --shard must be i/N with 0 <= i < N (e.g. 0/4), got '3/2'")
  }

  func testProfile() throws {
    try assertAccepted(["corrupt", "--image", missing, "--profile", "cifar", "--corruption", "fog", "--severity", "1", "--out", "x.png"])
    try assertFails(
      ["corrupt", "--image", dog, "--profile", "foo", "--out", "x.png"], "Error: unknown profile 'foo': use auto, imagenet, cifar, tiny or imagenet-c")
    try assertFails(["corrupt", "--image", dog, "--profile", "auto", "--out", "x.png"], "Error: unknown profile 'auto'; known: imagenet, cifar, tiny")
  }

  func testCAMTarget() throws {
    try assertAccepted(["cam", "--model", "cifar10-resnet56", "--image", missing, "--out", "m.npy", "--target", "7"])
    try assertAccepted(["cam", "--model", "cifar10-resnet56", "--image", missing, "--out", "m.npy", "--target", "label", "--label", "3"])
    try assertFails(["cam", "--model", "cifar10-resnet56", "--image", dog, "--out", "m.npy", "--target", "label"], "Error: --target label needs --label N")
    try assertFails(
      ["cam", "--model", "cifar10-resnet56", "--image", dog, "--out", "m.npy", "--target", "10"], "Error: --target must be pred, label or a class index in 0..<10, got '10'")
    // Class names as explain --label takes them, with a suggestion for a typo.
    try assertAccepted(["cam", "--model", "cifar10-resnet56", "--image", missing, "--out", "m.npy", "--target", "Cat"])
    try assertFails(
      ["cam", "--model", "cifar10-resnet56", "--image", dog, "--out", "m.npy", "--target", "catt"], "Error: --target 'catt' is not a class name of this model; did you mean 'cat'?")
    try assertFails(
      ["cam", "--model", "cifar10-resnet56", "--image", dog, "--out", "m.npy", "--target", "xylophone"], "Error: --target 'xylophone' is not a class name of this model (or give pred, label")
  }

  func testPreprocessingProfile() throws {
    let r = try Tool.run(["predict", "--preprocess", "cifar", missing], in: dir)
    XCTAssertEqual(r.status, 1, r.stderr)
    XCTAssertEqual(r.stderr, "Error: missing.png: no such file or folder\n", "accepted, then the missing file")
    try assertFails(
      ["predict", "--preprocess", "cifra", dog],
      "Error: unknown preprocessing profile 'cifra'; did you mean 'cifar'? known profiles: imagenet, cifar, none, demo")
  }

  func testTableAndPlotChoices() throws {
    let results = dir.appendingPathComponent("results.csv")
    try Data("model,corruption,severity,images,correct,errors,error,mean_confidence\nm,clean,0,10,9,1,0.100000,0.9\nm,fog,1,10,8,2,0.200000,0.8\n".utf8)
      .write(to: results)
    defer { try? FileManager.default.removeItem(at: results) }
    let table = try Tool.run(["table", "--format", "csv", "--metric", "error", results.path], in: dir)
    XCTAssertEqual(table.status, 0, table.stderr)
    XCTAssertTrue(table.stdout.hasPrefix("Model,Clean,mean,fog\n"), table.stdout)
    try assertFails(["table", "--format", "md", results.path], "Error: --format must be markdown, latex or csv")
    try assertFails(["table", "--metric", "x", results.path], "Error: --metric must be error, ce, rank_corr, top_iou, center_shift, entropy_change, deletion_auc, insertion_auc or road")
    try assertFails(["plot", "--layout", "grid", "-o", "p.png", results.path], "Error: --layout must be panels or mean")
  }
}
