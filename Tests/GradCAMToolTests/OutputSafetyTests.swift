import Foundation
import Imaging
import ToolTestSupport
import XCTest

#if canImport(Glibc)
  import Glibc
#endif

/// Outputs of the built `gradcam`: every location checked before the work, nothing written
/// when the run fails, inputs never overwritten (also through links), symbolic links written
/// through, devices and `-` (stdout) for text outputs written in place, and one-line messages
/// naming the file for the file-system situations of the hostile-input run (issue 19).
final class OutputSafetyTests: XCTestCase {
  private var dir: URL!
  private let model = ["--model", "cifar10-resnet56"]
  static let image = Tool.packageRoot.appendingPathComponent("Tests/Fixtures/cifar10-test/airplane/00003.png")

  override func setUpWithError() throws {
    dir = try Tool.temporaryDirectory()
    try FileManager.default.copyItem(at: Self.image, to: url("in.png"))
  }

  override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

  private func url(_ name: String) -> URL { dir.appendingPathComponent(name) }
  private func path(_ name: String) -> String { url(name).path }
  private func listing() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() }

  /// A refused run: exit 1 (or `status`), one stderr line holding `needles` (for usage errors,
  /// 64, followed by the usage), no Foundation dump.
  private func assertRefused(_ run: ToolRun, status: Int32 = 1, _ needles: [String], line: UInt = #line) {
    XCTAssertEqual(run.status, status, run.stderr.suffix(600).description, line: line)
    let lines = run.stderr.split(separator: "\n")
    if status == 64 {
      XCTAssertTrue(lines.count > 1 && lines[1].hasPrefix("Usage: gradcam "), run.stderr, line: line)
    } else {
      XCTAssertEqual(lines.count, 1, "stderr is not one line:\n\(run.stderr.prefix(1500))", line: line)
    }
    for needle in needles { XCTAssertTrue(run.stderr.contains(needle), "'\(needle)' not in: \(run.stderr)", line: line) }
    for dump in ["NSCocoaErrorDomain", "Error Domain", "UserInfo", "error 256", "error 512", "permission"] {
      XCTAssertFalse(run.stderr.contains(dump), "raw error in: \(run.stderr)", line: line)
    }
  }

  private func assertInputIntact(line: UInt = #line) throws {
    XCTAssertEqual(try Data(contentsOf: url("in.png")), try Data(contentsOf: Self.image), "the input was overwritten", line: line)
  }

  func testOutputOntoAnInputIsRefused() throws {
    try FileManager.default.createSymbolicLink(atPath: path("link.png"), withDestinationPath: "in.png")
    let runs: [[String]] = [
      ["cam"] + model + ["--image", path("in.png"), "--out", path("in.png")],
      ["cam"] + model + ["--image", path("in.png"), "--out", path("m.npy"), "--overlay", path("link.png")],
      ["predict"] + model + ["--csv", path("in.png"), path("in.png")],
      ["corrupt", "--image", path("in.png"), "--corruption", "fog", "--severity", "1", "--out", path("link.png")],
      ["explain"] + model + ["--image", path("in.png"), "--corruptions", "fog", "--severities", "1", "--out", path("f.png"), "--report", path("in.png")],
    ]
    for arguments in runs {
      assertRefused(try Tool.run(arguments), ["same file as the input", "in.png"])
      try assertInputIntact()
      XCTAssertEqual(try listing(), ["in.png", "link.png"], arguments.joined(separator: " "))
    }
    // convert: the checkpoint is the input.
    let bundled = Tool.productsDirectory.appendingPathComponent("gradcam_Networks.resources/Resources/models/cifar10-resnet20.safetensors")
    try FileManager.default.copyItem(at: bundled, to: url("w.safetensors"))
    assertRefused(try Tool.run(["convert", path("w.safetensors"), path("w.safetensors")]), ["same file as the input"])
    XCTAssertEqual(try Data(contentsOf: url("w.safetensors")), try Data(contentsOf: bundled))
  }

  func testFailingOutputLeavesNoOtherOutput() throws {
    // The second output's folder is missing: refused before any work, the first not written.
    assertRefused(
      try Tool.run(["cam"] + model + ["--image", path("in.png"), "--overlay", path("o.png"), "--out", path("missing/m.npy")]),
      ["missing/m.npy", "does not exist"])
    assertRefused(
      try Tool.run(["explain"] + model + [
        "--image", path("in.png"), "--corruptions", "fog", "--severities", "1", "--out", path("f.png"),
        "--maps-dir", path("maps"), "--report", path("missing/r.json"),
      ]), ["missing/r.json", "does not exist"])
    assertRefused(
      try Tool.run(["corrupt", "--image", path("in.png"), "--corruption", "fog,snow", "--severities", "1", "--out", path("missing/dir")]),
      ["missing/dir", "does not exist"])
    XCTAssertEqual(try listing(), ["in.png"])
  }

  func testFileSystemSituationsGiveOneLine() throws {
    FileManager.default.createFile(atPath: path("file"), contents: Data("x".utf8))
    try FileManager.default.createDirectory(at: url("folder"), withIntermediateDirectories: false)
    let predict = ["predict"] + model + ["--quiet"]
    assertRefused(try Tool.run(predict + ["--csv", path("folder"), path("in.png")]), ["folder", "is a directory"])
    assertRefused(try Tool.run(predict + ["--csv", path("file/p.csv"), path("in.png")]), ["file/p.csv", "not a folder"])
    assertRefused(try Tool.run(predict + ["--csv", path("nowhere/p.csv"), path("in.png")]), ["nowhere/p.csv", "does not exist"])
    // Devices and FIFOs given as images: refused without blocking on the FIFO.
    XCTAssertEqual(mkfifo(path("fifo.png"), 0o600), 0)
    for image in ["/dev/zero", path("fifo.png")] {
      assertRefused(try HostileInputTests.runBounded(predict + [image], seconds: 60), [image, "not a regular file"])
    }
    assertRefused(try Tool.run(predict + [path("folder")]), ["folder"])
    XCTAssertEqual(try listing(), ["fifo.png", "file", "folder", "in.png"])
  }

  func testLinksDevicesAndStdout() throws {
    // `--csv -` is stdout; no file named "-".
    let stdout = try Tool.run(["predict"] + model + ["--quiet", "--topk", "1", "--csv", "-", path("in.png")], in: dir)
    XCTAssertEqual(stdout.status, 0, stdout.stderr)
    XCTAssertTrue(stdout.stdout.hasPrefix("path,top1_index,top1_class,top1_probability\n"), stdout.stdout)
    XCTAssertEqual(try listing(), ["in.png"])
    // A symbolic link is written through; the link stays a link.
    FileManager.default.createFile(atPath: path("target.csv"), contents: Data("old".utf8))
    try FileManager.default.createSymbolicLink(atPath: path("link.csv"), withDestinationPath: "target.csv")
    let linked = try Tool.run(["predict"] + model + ["--quiet", "--csv", path("link.csv"), path("in.png")])
    XCTAssertEqual(linked.status, 0, linked.stderr)
    XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: path("link.csv")), "target.csv")
    XCTAssertTrue(try String(contentsOf: url("target.csv"), encoding: .utf8).hasPrefix("path,"))
    // A character device is written in place (not replaced by a regular file).
    let null = try Tool.run(["predict"] + model + ["--quiet", "--csv", "/dev/null", path("in.png")])
    XCTAssertEqual(null.status, 0, null.stderr)
    var info = stat()
    XCTAssertEqual(stat("/dev/null", &info), 0)
    XCTAssertEqual(info.st_mode & S_IFMT, S_IFCHR)
    XCTAssertEqual(try listing(), ["in.png", "link.csv", "target.csv"])
    // /dev/stdout (here a pipe) is written in place, not replaced by a regular file.
    let devStdout = try Tool.run(["predict"] + model + ["--quiet", "--csv", "/dev/stdout", path("in.png")])
    XCTAssertEqual(devStdout.status, 0, devStdout.stderr)
    XCTAssertTrue(devStdout.stdout.hasPrefix("path,"), devStdout.stdout)
    XCTAssertEqual(lstat("/dev/stdout", &info), 0)
    XCTAssertEqual(info.st_mode & S_IFMT, S_IFLNK)
  }

  func testOverflowingNumbersAreUsageErrors() throws {
    let huge = "9223372036854775807"
    assertRefused(try Tool.run(["predict"] + model + ["--batch-size", huge, path("in.png")]), status: 64, ["--batch-size"])
    assertRefused(
      try Tool.run(["evaluate", "--data", path("nowhere"), "--batch-size", huge, "--out", path("e")]), status: 64, ["--batch-size"])
    assertRefused(try Tool.run(["plot", path("r.csv"), "--columns", huge, "--out", path("p.png")]), status: 64, ["--columns"])
    XCTAssertEqual(try listing(), ["in.png"])
  }

  func testResultsCSVBombsAndBadCounts() throws {
    let header = "model,corruption,severity,images,correct,errors,error,mean_confidence\n"
    // A count of -9223372036854775807 (sums overflowed) and 3000 corruption names (a 4.5 GB figure).
    try (header + "m,clean,0,-9223372036854775807,1,0,0,0.5\n").write(to: url("negative.csv"), atomically: false, encoding: .utf8)
    var many = header
    for i in 0..<3000 { many += "m,c\(i),1,10,5,5,0.5,0.5\n" }
    try many.write(to: url("many.csv"), atomically: false, encoding: .utf8)
    for name in ["negative.csv", "many.csv"] {
      assertRefused(try Tool.run(["table", path(name)]), [name])
      assertRefused(try Tool.run(["plot", path(name), "--columns", "32", "--out", path("p.png")]), [name])
    }
    XCTAssertFalse(FileManager.default.fileExists(atPath: path("p.png")))
  }

  func testSizesDerivedFromTheInputAreLimited() throws {
    // 100000 x 1: a few hundred bytes, 22400000 x 224 after the ImageNet resize.
    let thin = RGBImage(width: 100_000, height: 1, pixels: [UInt8](repeating: 128, count: 300_000))
    try PNGCodec.encode(thin).write(to: url("thin.png"))
    assertRefused(try Tool.run(["predict", "--quiet", path("thin.png")]), ["thin.png", "over the limit"])
    // 20000 x 32: fog's plasma map is 32768 x 32768 float64 (8.6 GB).
    let wide = RGBImage(width: 20_000, height: 32, pixels: [UInt8](repeating: 128, count: 20_000 * 32 * 3))
    try PNGCodec.encode(wide).write(to: url("wide.png"))
    assertRefused(
      try Tool.run(["corrupt", "--image", path("wide.png"), "--corruption", "fog", "--severity", "3", "--out", path("fog.png")]),
      ["plasma map", "over the limit"])
    XCTAssertFalse(FileManager.default.fileExists(atPath: path("fog.png")))
  }

  func testCheckpointDTypeClassCountAndTensorCount() throws {
    // conv1.weight stored as int8 (and as bool), a classifier with 0 classes, 100001 tensors.
    func safetensors(_ entries: [(String, String, [Int], Int)]) -> Data {
      var offset = 0
      var parts: [String] = []
      for (name, dtype, shape, bytes) in entries {
        parts.append("\"\(name)\":{\"dtype\":\"\(dtype)\",\"shape\":[\(shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + bytes)]}")
        offset += bytes
      }
      var header = Data(("{" + parts.joined(separator: ",") + "}").utf8)
      while header.count % 8 != 0 { header.append(0x20) }
      var n = UInt64(header.count).littleEndian
      return Data(bytes: &n, count: 8) + header + Data(count: offset)
    }
    try safetensors([("conv1.weight", "I8", [16, 3, 3, 3], 432)]).write(to: url("int8.safetensors"))
    try safetensors([("conv1.weight", "BOOL", [16, 3, 3, 3], 432)]).write(to: url("bool.safetensors"))
    try safetensors([("linear.weight", "F32", [0, 64], 0), ("linear.bias", "F32", [0], 0)]).write(to: url("zero.safetensors"))
    try safetensors((0...100_000).map { ("t\($0)", "F32", [0], 0) }).write(to: url("many.safetensors"))
    let predict = ["predict", "--arch", "cifar_resnet20", "--quiet", path("in.png"), "--weights"]
    for name in ["int8.safetensors", "bool.safetensors"] {
      assertRefused(try Tool.run(predict + [path(name)]), [name, "conv1.weight", "wrong dtype"])
    }
    assertRefused(try Tool.run(predict + [path("zero.safetensors")]), ["zero.safetensors", "0 classes"])
    assertRefused(try Tool.run(["convert", path("many.safetensors"), path("out.safetensors")]), ["many.safetensors", "over the limit"])
    XCTAssertFalse(FileManager.default.fileExists(atPath: path("out.safetensors")))
  }

  func testTrainDemoOutputsAreAllOrNothing() throws {
    let train = ["train-demo", "--model", "cnn", "--steps", "1", "--batch-size", "2", "--train-size", "6", "--eval-count", "1", "--quiet"]
    // A missing folder for the weights: refused before the dataset is generated or training starts.
    assertRefused(
      try Tool.run(train + ["--write-dataset", path("ds"), "--out", path("missing/w.safetensors")]),
      ["missing/w.safetensors", "does not exist"])
    XCTAssertEqual(try listing(), ["in.png"])
    // The teacher's bundled file (here through a link) is an input.
    let teacher = Tool.productsDirectory.appendingPathComponent("gradcam_Networks.resources/Resources/models/demo-cnn.safetensors")
    let teacherBytes = try Data(contentsOf: teacher)
    try FileManager.default.createSymbolicLink(atPath: path("teacher.safetensors"), withDestinationPath: teacher.path)
    assertRefused(
      try Tool.run(train + ["--teacher", "demo-cnn", "--out", path("teacher.safetensors")]), ["same file as the input", "demo-cnn"])
    XCTAssertEqual(try Data(contentsOf: teacher), teacherBytes)
    try FileManager.default.removeItem(at: url("teacher.safetensors"))
    // The disk fills up at the weights (about 300 KB; the PNGs are a few KB): the staged
    // dataset and its folder are removed too.
    let full = try Tool.runOnFullDisk(train + ["--write-dataset", path("ds"), "--out", path("w.safetensors")])
    assertRefused(full, ["cannot write \(path("w.safetensors")): File too large"])
    XCTAssertEqual(try listing(), ["in.png"])
    // With room, both appear, and no temporary file is left.
    let ok = try Tool.run(train + ["--write-dataset", path("ds"), "--out", path("w.safetensors")])
    XCTAssertEqual(ok.status, 0, ok.stderr)
    XCTAssertEqual(try listing(), ["ds", "in.png", "w.safetensors"])
    let files = try FileManager.default.subpathsOfDirectory(atPath: path("ds"))
    XCTAssertEqual(files.filter { $0.hasSuffix(".png") }.count, 12, "\(files)")
    XCTAssertTrue(files.contains("classes.txt") && files.contains("images/disc/000000.png") && files.contains("masks/ring/000005.png"), "\(files)")
    XCTAssertFalse(files.contains { $0.hasSuffix(".tmp") }, "\(files)")
  }
}
