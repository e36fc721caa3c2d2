import Foundation
import GradCAM
import Networks
import ONNX

/// Imported ONNX classifiers (`gradcam bench --onnx FILE`): forward and Grad-CAM at the graph's
/// default layer, batch 1, on the formula input at the graph's input size. Scripts/bench/compare.py
/// exports the files with formula weights and times onnxruntime and pytorch-grad-cam on the same.
struct ONNXBench {
  let repeats: Int

  func run(_ paths: [String]) throws -> [BenchResult] {
    var out: [BenchResult] = []
    for path in paths {
      let model = try ONNXClassifier(url: URL(fileURLWithPath: path))
      let name = model.url.deletingPathExtension().lastPathComponent
      let x = WeightFormula.tensor("input", [1, 3, model.input.height, model.input.width])
      var t = bestTime(repeats: repeats) { _ = try! model.checkedForward(x) }
      out.append(row("onnx", "onnx forward \(name) b1", t))
      let explainer = try CAMExplainer(model: model, method: .gradCAM)
      t = bestTime(repeats: repeats) { _ = try! explainer.explain(batch: x, target: .predicted) }
      out.append(row("onnx", "onnx gradcam \(name) b1 (\(model.defaultCAMLayer))", t))
    }
    return out
  }

  private func row(_ suite: String, _ name: String, _ t: Double) -> BenchResult {
    let rss = peakResidentMegabytes()
    print(String(format: "%@  %9.1f ms  peak RSS so far %6.0f MB", pad(name, 52), t * 1e3, rss))
    return BenchResult(suite: suite, name: name, seconds: t, gflops: nil, ratio: nil, ratioTo: nil, peakRSSMB: rss)
  }
}
