import Autodiff
import Foundation
import ToolTestSupport
import XCTest

/// `--precision fp32|bf16` on the commands that run a model (explain, cam, predict, evaluate,
/// bench): bf16 is accepted where AVX512-BF16 runs and stated in the JSON outputs; where it
/// cannot run (GRADCAM_ISA=avx2, GRADCAM_GEMM=blas, a processor without it) it is a one-line
/// error and exit 1 before any work, never a quiet fall back to float32.
final class PrecisionFlagTests: XCTestCase {
  let dog = Tool.packageRoot.appendingPathComponent("examples/cifar-dog.png").path

  func testBF16IsRefusedWhereItCannotRun() throws {
    let dir = try Tool.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    var cases: [([String: String], String)] = [
      (["GRADCAM_ISA": "avx2"], "Error: --precision bf16 needs AVX-512 with AVX512-BF16, but GRADCAM_ISA=avx2 selects the avx2 kernels\n"),
    ]
    if KernelISA.detected == .avx512 {
      cases.append((["GRADCAM_GEMM": "blas"],
                    "Error: --precision bf16 needs the package's AVX-512 kernel, but GRADCAM_GEMM=blas sends products to OpenBLAS\n"))
    }
    if KernelISA.detected != .avx512 { cases = [([:], "")] }  // no AVX-512: the message names the processor
    for (environment, message) in cases {
      for arguments in [["predict", dog, "--model", "cifar10-resnet20"], ["cam", "--image", dog, "--out", "m.npy"],
                        ["--image", dog, "--out", "g.png"], ["bench", "--suites", "forward", "--filter", "none"],
                        ["evaluate", "--data", dog, "--out", "e"]] {
        let r = try BuiltTool.run(arguments + ["--precision", "bf16"], in: dir, environment: environment)
        XCTAssertEqual(r.status, 1, "\(arguments) \(environment): \(r.stderr)")
        if message.isEmpty {
          XCTAssertTrue(r.stderr.hasPrefix("Error: --precision bf16 needs AVX-512"), r.stderr)
        } else {
          XCTAssertEqual(r.stderr, message, "\(arguments) \(environment)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [], "nothing is written")
      }
    }
    let fp32 = try BuiltTool.run(["predict", dog, "--model", "cifar10-resnet20", "--precision", "fp32"], in: dir,
                                 environment: ["GRADCAM_ISA": "avx2"])
    XCTAssertEqual(fp32.status, 0, "fp32 runs everywhere: \(fp32.stderr)")
    let typo = try Tool.run(["predict", dog, "--precision", "fp16"], in: dir)
    XCTAssertEqual(typo.status, 64, "an unknown precision is a usage error: \(typo.stderr)")
  }

  func testBF16RunsAndIsStated() throws {
    if let problem = ComputePrecision.problem(for: .bf16) { throw XCTSkip(problem) }
    let dir = try Tool.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let model = ["--model", "cifar10-resnet20"]
    let fp32 = try Tool.run(["predict", dog] + model, in: dir)
    let bf16 = try Tool.run(["predict", dog, "--precision", "bf16"] + model, in: dir)
    XCTAssertEqual(bf16.status, 0, bf16.stderr)
    XCTAssertEqual(fp32.stdout.split(separator: " ").dropFirst().first, bf16.stdout.split(separator: " ").dropFirst().first,
                   "the same top-1 class: \(fp32.stdout) vs \(bf16.stdout)")

    let explain = try Tool.run(["--image", dog, "--corruptions", "fog", "--severities", "1", "--report", "r.json", "--quiet",
                                "--precision", "bf16"] + model, in: dir)
    XCTAssertEqual(explain.status, 0, explain.stderr)
    let report = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("r.json"))) as! [String: Any]
    XCTAssertEqual(report["precision"] as? String, "bf16")
    let plain = try Tool.run(["--image", dog, "--corruptions", "fog", "--severities", "1", "--report", "p.json", "--quiet"] + model,
                             in: dir)
    XCTAssertEqual(plain.status, 0, plain.stderr)
    let plainReport = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("p.json"))) as! [String: Any]
    XCTAssertNil(plainReport["precision"], "float32, the default, is not stated")

    // The figure says so too (its subtitle, as SVG text); a float32 figure does not.
    for (name, extra) in [("bf16.svg", ["--precision", "bf16"]), ("fp32.svg", [])] {
      let figure = try Tool.run(["--image", dog, "--corruptions", "fog", "--severities", "1", "--out", name, "--quiet"] + model + extra,
                                in: dir)
      XCTAssertEqual(figure.status, 0, figure.stderr)
      let svg = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
      XCTAssertEqual(svg.contains("bf16 products"), !extra.isEmpty, "\(name) subtitle")
    }

    let cam = try Tool.run(["cam", "--image", dog, "--out", "m.npy", "--precision", "bf16"] + model, in: dir)
    XCTAssertEqual(cam.status, 0, cam.stderr)

    let data = Tool.packageRoot.appendingPathComponent("Tests/Fixtures/cifar10-test").path
    let evaluate = try Tool.run(["evaluate", "--data", data, "--limit", "4", "--corruptions", "none", "--out", "e", "--quiet",
                                 "--precision", "bf16"], in: dir)
    XCTAssertEqual(evaluate.status, 0, evaluate.stderr)
    let meta = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("e/meta.json"))) as! [String: Any]
    XCTAssertEqual(meta["precision"] as? String, "bf16")
    let resume = try Tool.run(["evaluate", "--data", data, "--limit", "4", "--corruptions", "none", "--out", "e", "--quiet"], in: dir)
    XCTAssertEqual(resume.status, 1, "a float32 run does not resume a bf16 one: \(resume.stderr)")
    XCTAssertTrue(resume.stderr.contains("meta.json differs") && resume.stderr.contains("precision"), resume.stderr)

    let bench = try Tool.run(["bench", "--suites", "forward", "--filter", "no-such-case", "--precision", "bf16"], in: dir)
    XCTAssertEqual(bench.status, 0, bench.stderr)
    XCTAssertTrue(bench.stdout.contains("float32 products: gradcam AVX-512 BF16 sgemm"), bench.stdout)
  }
}
