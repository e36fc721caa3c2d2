import Foundation
import ToolTestSupport
import XCTest

#if canImport(Glibc)
  import Glibc
#endif

/// Hostile and broken files run through the built `gradcam` binary, as a stranger's file would
/// be: `convert` for checkpoints, `predict` and `cam` for images. Each must give a one-line
/// error on stderr that names the file and the problem, a non-zero exit status, and write
/// nothing (no output file, no temporary file left in the output folder).
final class HostileInputTests: XCTestCase {
  static let tests = Tool.packageRoot.appendingPathComponent("Tests")
  static let hostileCheckpoints = tests.appendingPathComponent("CheckpointsTests/Fixtures/hostile")
  static let checkpointRegressions = tests.appendingPathComponent("CheckpointsTests/Fixtures/regressions")
  static let imageFixtures = tests.appendingPathComponent("ImagingTests/Fixtures")

  /// Substrings expected in the message for the hostile checkpoints added by
  /// Scripts/fixtures/make_hostile_fixtures.py (and those generated below).
  static let extraCheckpointNeedles: [String: [String]] = [
    "hostile_binunicode_past_end.pkl": ["truncated"],
    "hostile_long4_huge.pkl": [],
    "hostile_memo_bomb.pkl": ["too many nodes"],
    "hostile_self_reference.pkl": ["nested deeper"],
    "hostile_zip_absolute_path.pth": ["/etc/cron.d/evil"],
    "hostile_zip_duplicate.pth": ["duplicate entry"],
    "hostile_zip_exec.pth": ["builtins.exec", "not allowed"],
    "hostile_stack_flood.pkl": [],
    "hostile_list_flood.pkl": [],
  ]

  /// Broken images: the 14 of ImagingTests plus those of make_hostile_fixtures.py.
  static var brokenImages: [URL] {
    let old = [
      "broken_crc.png", "broken_crc_ancillary.png", "broken_header_only.jpg", "broken_huge.jpg", "broken_huge.png",
      "broken_magic.jpg", "broken_magic.png", "broken_no_iend.png", "broken_segment.jpg", "broken_truncated.jpg",
      "broken_truncated.png", "broken_truncated_progressive.jpg", "broken_zero.png", "broken_zero_width.png",
    ].map { imageFixtures.appendingPathComponent($0) }
    let dir = imageFixtures.appendingPathComponent("hostile")
    let new = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted()
      .map { dir.appendingPathComponent($0) }
    return old + new
  }

  /// Valid but unusual images that must load: 16-bit, CMYK, progressive, interlaced, palette.
  static let unusualValidImages = [
    "png_rgb16.png", "png_greyalpha16.png", "png_grey1.png", "png_palette4_trns.png", "png_rgb8_interlaced.png",
    "jpeg_cmyk.jpg", "jpeg_progressive.jpg", "jpeg_grey.jpg", "jpeg_exif6_bigendian.jpg",
  ]

  /// Asserts a refused run: non-zero status, one stderr line naming `file` (and `needles`),
  /// and an output folder that is still empty.
  private func assertRefused(
    _ run: ToolRun, file: URL, needles: [String] = [], outputFolder: URL, line: UInt = #line
  ) throws {
    let name = file.lastPathComponent
    XCTAssertNotEqual(run.status, 0, "\(name) was accepted: \(run.stdout)", line: line)
    XCTAssertNotEqual(run.status, 64, "\(name): usage error instead of an input error: \(run.stderr)", line: line)
    XCTAssertTrue(run.status == 1, "\(name): exit status \(run.status) (a crash?): \(run.stderr.suffix(400))", line: line)
    let lines = run.stderr.split(separator: "\n", omittingEmptySubsequences: true)
    XCTAssertEqual(lines.count, 1, "\(name): stderr is not one line:\n\(run.stderr.prefix(2000))", line: line)
    let message = String(lines.first ?? "")
    XCTAssertTrue(message.contains(name), "\(name): not named in: \(message)", line: line)
    // The problem, not just the file: something after the file name.
    if let range = message.range(of: name) {
      XCTAssertGreaterThan(message[range.upperBound...].count, 8, "\(name): no reason in: \(message)", line: line)
    }
    for needle in needles {
      XCTAssertTrue(message.contains(needle), "\(name): '\(needle)' not in: \(message)", line: line)
    }
    let left = try FileManager.default.contentsOfDirectory(atPath: outputFolder.path)
    XCTAssertEqual(left, [], "\(name): files left in the output folder", line: line)
  }

  /// `Tool.run`, but a run still going after `seconds` is killed and reported as status -1
  /// (a hang on hostile input is a bug too, and must not hang the test suite).
  static func runBounded(_ arguments: [String], seconds: Double) throws -> ToolRun {
    let process = Process()
    process.executableURL = BuiltTool.executable
    process.arguments = arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let done = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in done.signal() }
    try process.run()
    // Each pipe is drained on its own thread (so a full pipe cannot block the child); the
    // results are read only after group.wait().
    final class Sink: @unchecked Sendable { var data = Data() }
    let o = Sink(), e = Sink()
    let group = DispatchGroup()
    DispatchQueue.global().async(group: group) { o.data = out.fileHandleForReading.readDataToEndOfFile() }
    DispatchQueue.global().async(group: group) { e.data = err.fileHandleForReading.readDataToEndOfFile() }
    if done.wait(timeout: .now() + seconds) == .timedOut {
      process.terminate()
      kill(process.processIdentifier, SIGKILL)
      group.wait()
      return ToolRun(status: -1, stdout: "", stderr: "timed out after \(seconds) s")
    }
    group.wait()
    return ToolRun(status: process.terminationStatus, stdout: String(decoding: o.data, as: UTF8.self), stderr: String(decoding: e.data, as: UTF8.self))
  }

  /// Large hostile pickles, generated instead of committed.
  private func generatedCheckpoints(in dir: URL) throws -> [URL] {
    var files: [URL] = []
    func write(_ name: String, _ bytes: [UInt8]) throws {
      let url = dir.appendingPathComponent(name)
      try Data(bytes).write(to: url)
      files.append(url)
    }
    // 3 million EMPTY_TUPLEs pushed on the VM stack, no STOP.
    try write("hostile_stack_flood.pkl", [0x80, 0x02] + [UInt8](repeating: 0x29, count: 3_000_000))
    // One list with 3 million appended empty tuples.
    var flood: [UInt8] = [0x80, 0x02, 0x5D]
    for _ in 0..<1_500_000 { flood += [0x29, 0x61] }
    try write("hostile_list_flood.pkl", flood + [0x2E])
    return files
  }

  func testHostileCheckpointsAreRefusedByConvert() throws {
    let expected = try XCTUnwrap(
      JSONSerialization.jsonObject(with: Data(contentsOf: Self.hostileCheckpoints.appendingPathComponent("expected.json")))
        as? [String: [String]])
    let scratch = try Tool.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: scratch) }
    var cases: [(URL, [String])] = expected.keys.sorted().map {
      (Self.hostileCheckpoints.appendingPathComponent($0), expected[$0]!)
    }
    // hostile_*: written by make_hostile_fixtures.py; fuzz_*: inputs that crashed or hung a
    // fuzz target (Fuzz/), kept so they stay fixed.
    let regressions = try FileManager.default.contentsOfDirectory(atPath: Self.checkpointRegressions.path)
      .filter { $0.hasPrefix("hostile_") || $0.hasPrefix("fuzz_") }.sorted()
    cases += regressions.map { (Self.checkpointRegressions.appendingPathComponent($0), Self.extraCheckpointNeedles[$0] ?? []) }
    cases += try generatedCheckpoints(in: scratch).map { ($0, Self.extraCheckpointNeedles[$0.lastPathComponent] ?? []) }
    XCTAssertGreaterThanOrEqual(cases.count, 50)
    for (file, needles) in cases {
      let outDir = scratch.appendingPathComponent("out-\(file.lastPathComponent)")
      try FileManager.default.createDirectory(at: outDir, withIntermediateDirectories: true)
      let out = outDir.appendingPathComponent("model.safetensors")
      let run = try Self.runBounded(["convert", file.path, out.path], seconds: 60)
      try assertRefused(run, file: file, needles: needles, outputFolder: outDir)
      XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
    }
  }

  func testDeeplyNestedPicklesAreRefused() throws {
    // [[[[...]]]] and ((((...)))) 200,000 deep: a few bytes per level; converting or freeing
    // the object graph must not recurse once per level (it did: SIGSEGV, until PickleArena).
    let scratch = try Tool.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: scratch) }
    let n = 200_000
    let lists = scratch.appendingPathComponent("hostile_deep_lists.pkl")
    try Data([0x80, 0x02] + [UInt8](repeating: 0x5D, count: n) + [UInt8](repeating: 0x61, count: n - 1) + [0x2E]).write(to: lists)
    let tuples = scratch.appendingPathComponent("hostile_deep_tuples.pkl")
    try Data([0x80, 0x02, 0x29] + [UInt8](repeating: 0x85, count: n) + [0x2E]).write(to: tuples)
    for file in [lists, tuples] {
      let outDir = scratch.appendingPathComponent("out-\(file.lastPathComponent)")
      try FileManager.default.createDirectory(at: outDir, withIntermediateDirectories: true)
      let run = try Tool.run(["convert", file.path, outDir.appendingPathComponent("m.safetensors").path])
      try assertRefused(run, file: file, outputFolder: outDir)
    }
  }

  func testHostileCheckpointsAreRefusedAsModelWeights() throws {
    // The same parser behind --weights: refused before any image is read, nothing written.
    let scratch = try Tool.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: scratch) }
    let image = Self.imageFixtures.appendingPathComponent("png_rgb8.png")
    for name in ["os_system.pkl", "zip_traversal.pth", "zip_bomb_ratio.pth", "st_overlap.safetensors", "huge_shape.pth"] {
      let file = Self.hostileCheckpoints.appendingPathComponent(name)
      let outDir = scratch.appendingPathComponent("out-\(name)")
      try FileManager.default.createDirectory(at: outDir, withIntermediateDirectories: true)
      let run = try Tool.run([
        "predict", "--arch", "cifar_resnet20", "--weights", file.path, "--csv", outDir.appendingPathComponent("p.csv").path,
        image.path,
      ])
      try assertRefused(run, file: file, outputFolder: outDir)
    }
  }

  func testBrokenImagesAreRefusedByPredictAndCam() throws {
    let images = Self.brokenImages
    XCTAssertGreaterThanOrEqual(images.count, 30)
    let scratch = try Tool.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: scratch) }
    for (i, image) in images.enumerated() {
      let outDir = scratch.appendingPathComponent("out-\(i)")
      try FileManager.default.createDirectory(at: outDir, withIntermediateDirectories: true)
      let predict = try Tool.run(["predict", "--model", "cifar10-resnet56", "--quiet", "--csv", outDir.appendingPathComponent("p.csv").path, image.path])
      try assertRefused(predict, file: image, outputFolder: outDir)
      let cam = try Tool.run([
        "cam", "--model", "cifar10-resnet56", "--image", image.path, "--out", outDir.appendingPathComponent("m.npy").path,
        "--overlay", outDir.appendingPathComponent("o.png").path,
      ])
      try assertRefused(cam, file: image, outputFolder: outDir)
    }
  }

  func testUnusualValidImagesLoad() throws {
    let files = Self.unusualValidImages.map { Self.imageFixtures.appendingPathComponent($0).path }
    let run = try Tool.run(["predict", "--model", "cifar10-resnet56", "--quiet", "--topk", "1"] + files)
    XCTAssertEqual(run.status, 0, run.stderr)
    XCTAssertEqual(run.stdout.split(separator: "\n").count, files.count, run.stdout)
  }

  /// The CIFAR-10-C folders that crashed `evaluate --corrupted-root` (issue 19), kept as the
  /// cifar_folder fuzz target's seeds (Scripts/fixtures/make_issue19_fuzz_seeds.py): each is
  /// refused in one line that blames the right file (hostile_images_* the corruption's .npy,
  /// hostile_labels_* labels.npy), and no output folder is created.
  func testHostileCIFAR10CFoldersAreRefusedByEvaluate() throws {
    let seeds = Tool.packageRoot.appendingPathComponent("Fuzz/seeds/cifar_folder")
    let names = try FileManager.default.contentsOfDirectory(atPath: seeds.path).filter { $0.hasPrefix("hostile_") }.sorted()
    XCTAssertGreaterThanOrEqual(names.count, 9)
    let scratch = try Tool.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: scratch) }
    for name in names {
      let folder = scratch.appendingPathComponent(name)
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      let bytes = try Data(contentsOf: seeds.appendingPathComponent(name))
      let marker = Data("\n#--\n".utf8)
      let cut = try XCTUnwrap(bytes.range(of: marker), name)
      try bytes[..<cut.lowerBound].write(to: folder.appendingPathComponent("labels.npy"))
      try bytes[cut.upperBound...].write(to: folder.appendingPathComponent("gaussian_noise.npy"))
      let (blamed, other) = name.hasPrefix("hostile_labels") ? ("labels.npy", "gaussian_noise.npy") : ("gaussian_noise.npy", "labels.npy")
      let outDir = scratch.appendingPathComponent("out-\(name)")
      try FileManager.default.createDirectory(at: outDir, withIntermediateDirectories: true)
      let run = try Self.runBounded(
        ["evaluate", "--corrupted-root", folder.path, "--corruptions", "gaussian_noise", "--quiet",
         "--out", outDir.appendingPathComponent("run").path], seconds: 120)
      try assertRefused(run, file: folder.appendingPathComponent(blamed), outputFolder: outDir)
      XCTAssertFalse(run.stderr.contains(other), "\(name): blames \(other): \(run.stderr)")
    }
  }
}
