import AtomicFiles
import ArgumentParser
import Autodiff
import Foundation

/// `gradcam bench`: speed of the numerical core and the pipelines, as ratios to reference peaks.
struct BenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract: "Measure matmul/conv2d GFLOPS vs sgemm peak, graph overhead and pipeline times.",
    discussion: "Run a release build (swift build -c release). Results go to stdout as a table, or JSON with --json.")

  @Option(help: "Comma-separated suites: core (matmul, conv2d, graph overhead), forward, cam, corruptions, sweep, all (those five), and scaling (batch size, image size, image count; minutes).")
  var suites: String = "all"

  @Option(help: "Timed repetitions per case (the best is reported).")
  var repeats: Int = 5

  @Option(help: "Write the results as JSON to this file as well.")
  var json: String?

  @Option(help: "Run only the forward, cam and scaling cases whose name contains this text (e.g. resnet50).")
  var filter: String?

  @Option(help: "An ONNX classifier (*.onnx) to time (forward and Grad-CAM at its default layer, batch 1); repeatable. Runs the onnx suite.")
  var onnx: [String] = []

  @OptionGroup var precisionOption: PrecisionOption

  func run() throws {
    let plan = OutputPlan()
    let jsonOutput = try json.map { try plan.file($0, allowStdout: true) }
    var results: [BenchResult] = []
    let wanted = Set(suites.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) })
    let all = wanted.contains("all")
    let models = ModelBench(repeats: repeats, filter: filter)
    print(KernelISA.summary)
    if !onnx.isEmpty { results += try ONNXBench(repeats: repeats).run(onnx) }
    if all || wanted.contains("core") { results += CoreBench(repeats: repeats).run() }
    if all || wanted.contains("forward") { results += try models.forward() }
    if all || wanted.contains("cam") { results += try models.cam() }
    if all || wanted.contains("corruptions") { results += try models.corruptions() }
    if all || wanted.contains("sweep") { results += try SweepBench().run() }
    // Not part of "all": it takes minutes (batches up to 32, ViT-S/8 at 480).
    if wanted.contains("scaling") { results += try ScalingBench(repeats: min(repeats, 3), filter: filter).run() }
    if json != nil {
      try plan.write(try JSONEncoder.pretty.encode(results), to: jsonOutput!)
      try plan.commit()
    }
  }
}

extension JSONEncoder {
  static var pretty: JSONEncoder {
    let e = JSONEncoder()
    e.outputFormatting = [.prettyPrinted, .sortedKeys]
    return e
  }
}

/// Best wall time of `repeats` runs of `body`, after one warm-up run.
func bestTime(repeats: Int, _ body: () -> Void) -> Double {
  body()
  var best = Double.infinity
  for _ in 0..<max(1, repeats) {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
  }
  return best
}
