import Foundation
import Imaging
import ToolTestSupport
import XCTest

/// The command line as a new user meets it: help with no arguments, did-you-mean for commands,
/// options and colour maps, defaults printed once, `gradcam layers`, and `gradcam models`' licences.
final class CommandLineHelpTests: XCTestCase {
  private var dir: URL!
  private var dog: String { Tool.packageRoot.appendingPathComponent("examples/cifar-dog.png").path }

  override func setUpWithError() throws { dir = try Tool.temporaryDirectory() }
  override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

  func testNoArgumentsPrintsTheHelpAndExitsZero() throws {
    let r = try Tool.run([], in: dir)
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(r.stdout.contains("USAGE: gradcam <subcommand>"), r.stdout)
    XCTAssertTrue(r.stdout.contains("layers"), r.stdout)
    XCTAssertEqual(r.stderr, "")
  }

  func testMistypedCommandOptionAndColourMapGetSuggestions() throws {
    let command = try Tool.run(["expalin", "--image", dog], in: dir)
    XCTAssertEqual(command.status, 64)
    XCTAssertTrue(command.stderr.hasPrefix("Error: unknown command 'expalin'; did you mean 'explain'?"), command.stderr)
    let option = try Tool.run(["--imag", dog], in: dir)
    XCTAssertEqual(option.status, 64)
    XCTAssertTrue(option.stderr.contains("Did you mean '--image'?"), option.stderr)
    let camOption = try Tool.run(["cam", "--image", dog, "--out", "m.npy", "--metod", "gradcam"], in: dir)
    XCTAssertEqual(camOption.status, 64)
    XCTAssertTrue(camOption.stderr.contains("Did you mean '--method'?"), camOption.stderr)
    let colormap = try Tool.run(["--image", dog, "--colormap", "jett"], in: dir)
    XCTAssertEqual(colormap.status, 64)
    XCTAssertTrue(colormap.stderr.hasPrefix("Error: --colormap must be one of jet, turbo, viridis, inferno; did you mean 'jet'?"), colormap.stderr)
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [], "nothing is written")
  }

  /// swift-argument-parser appends "(default: N)" itself; no help text repeats it.
  func testHelpPrintsEachDefaultOnce() throws {
    for command in ["explain", "cam", "predict", "evaluate", "layers", "plot"] {
      let r = try Tool.run([command, "--help"], in: dir)
      XCTAssertEqual(r.status, 0, "\(command): \(r.stderr)")
      let text = r.stdout.replacingOccurrences(of: "\n", with: " ").split(separator: " ").joined(separator: " ")
      XCTAssertFalse(text.contains("(default 178956970)"), "\(command): \(r.stdout)")
      // Each "(default: V)" the parser prints must not follow the same default in the help text.
      let parts = text.components(separatedBy: "(default: ")
      for k in parts.indices.dropFirst() {
        let value = parts[k].prefix { $0 != ")" }
        let before = parts[k - 1].suffix(80)
        XCTAssertFalse(before.contains("default \(value)") || before.contains("default: \(value)"), "\(command): default \(value) twice")
      }
      XCTAssertEqual(text.components(separatedBy: "178956970").count - 1, command == "plot" ? 0 : 1, "\(command)")
    }
  }

  func testLayersListsEveryPathWithItsShapeAndMarksTheDefault() throws {
    let r = try Tool.run(["layers", "--model", "cifar10-resnet56"], in: dir)
    XCTAssertEqual(r.status, 0, r.stderr)
    let lines = r.stdout.split(separator: "\n").map(String.init)
    XCTAssertTrue(lines[0].hasPrefix("cifar10-resnet56 (cifar_resnet56): "), lines[0])
    XCTAssertTrue(lines.contains { $0.hasPrefix("* layer3 ") && $0.hasSuffix("[1, 64, 8, 8]  default CAM layer") }, r.stdout)
    XCTAssertTrue(lines.contains { $0.hasPrefix("  layer1.0.conv1 ") && $0.hasSuffix("[1, 16, 32, 32]") }, r.stdout)
    XCTAssertEqual(lines.filter { $0.hasPrefix("*") }.count, 1)
    let vit = try Tool.run(["layers", "--model", "demo-vit"], in: dir)
    XCTAssertEqual(vit.status, 0, vit.stderr)
    XCTAssertTrue(vit.stdout.contains("default CAM layer (blocks.-1.norm1)"), vit.stdout)
    let bad = try Tool.run(["cam", "--model", "cifar10-resnet56", "--image", dog, "--out", "m.npy", "--layer", "layr3"], in: dir)
    XCTAssertEqual(bad.status, 1)
    XCTAssertTrue(bad.stderr.hasPrefix("Error: unknown layer 'layr3'; did you mean 'layer3'"), bad.stderr)
    XCTAssertTrue(bad.stderr.hasSuffix(" (see `gradcam layers` for every layer path)\n"), bad.stderr)
    XCTAssertEqual(bad.stderr.split(separator: "\n").count, 1)
  }

  func testDemoModelsCarryTheProjectsLicence() throws {
    let r = try Tool.run(["models", "--cache-dir", dir.path], in: dir)
    XCTAssertEqual(r.status, 0, r.stderr)
    for name in ["demo-vit", "demo-cnn"] {
      let line = try XCTUnwrap(r.stdout.split(separator: "\n").first { $0.hasPrefix(name + " ") }, r.stdout)
      XCTAssertTrue(line.contains("Apache-2.0 (this project)"), String(line))
      XCTAssertFalse(line.contains("akamaster"), String(line))
    }
    let cifar = try XCTUnwrap(r.stdout.split(separator: "\n").first { $0.hasPrefix("cifar10-resnet56 ") })
    XCTAssertTrue(cifar.contains("BSD-2-Clause (akamaster)"), String(cifar))
    XCTAssertTrue(FileManager.default.fileExists(atPath: Tool.packageRoot.appendingPathComponent("LICENSE").path))
    let citation = try String(contentsOf: Tool.packageRoot.appendingPathComponent("CITATION.cff"), encoding: .utf8)
    XCTAssertTrue(citation.hasPrefix("cff-version: 1.2.0\n") && citation.contains("\nlicense: Apache-2.0\n"))
  }
}

/// `GRADCAM_ISA` (KernelISA): `avx2` runs every command on the AVX2 path; a word that is not a
/// level, or a level the processor lacks, stops the command with a one-line error before any work.
final class KernelISAEnvironmentTests: XCTestCase {
  func testAnUnusableLevelIsAOneLineError() throws {
    let dir = try Tool.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let dog = Tool.packageRoot.appendingPathComponent("examples/cifar-dog.png").path
    let r = try BuiltTool.run(["--image", dog, "--out", "g.png"], in: dir, environment: ["GRADCAM_ISA": "avx9"])
    XCTAssertEqual(r.status, 1, r.stderr)
    XCTAssertEqual(r.stderr, "Error: GRADCAM_ISA=avx9 is not one of auto, avx512, avx2\n")
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [], "nothing is written")
    let forced = try BuiltTool.run(["layers", "--model", "demo-cnn"], in: dir, environment: ["GRADCAM_ISA": "avx2"])
    XCTAssertEqual(forced.status, 0, forced.stderr)
  }
}
