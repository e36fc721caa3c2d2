import Autodiff
import Foundation
import GradCAM
import Networks
#if os(Linux)
  import CMalloc
#endif

/// How time and memory grow with batch size, image size and the number of images.
///
/// Each case's peak resident memory is measured on its own: freed heap is returned to the system
/// (malloc_trim) and the kernel's high-water mark is reset (/proc/self/clear_refs, Linux) before
/// the case runs, so a row shows what that case needs, including the model's weights (and their
/// packed copies) that are loaded at the time.
struct ScalingBench {
  let repeats: Int
  /// Only series whose case names contain this run (all when nil).
  var filter: String? = nil

  private func wanted(_ series: String) -> Bool { filter.map { series.contains($0) || $0.contains(series) } ?? true }

  func run() throws -> [BenchResult] {
    var out: [BenchResult] = []
    print("scaling: time per batch, per image, and the case's own peak RSS")
    if wanted("batch: resnet50") || wanted("images: resnet50") { out += try resnetSeries() }
    if wanted("image size: vit_small_patch8") { out += try vitSeries() }
    return out
  }

  private func resnetSeries() throws -> [BenchResult] {
    var out: [BenchResult] = []
    // Batch size, ResNet-50 at 224: forward and Grad-CAM at layer4.
    let resnet = try ResNet("resnet50", weights: WeightFormula.source)
    let gradcam = try CAMExplainer(model: resnet, method: .gradCAM)
    for batch in [1, 2, 4, 8, 16, 32] {
      let x = WeightFormula.tensor("input", [batch, 3, 224, 224])
      out.append(measure("batch: resnet50 forward b\(batch)", images: batch) { _ = resnet.logits(x) })
    }
    for batch in [1, 2, 4, 8, 16, 32] {
      let x = WeightFormula.tensor("input", [batch, 3, 224, 224])
      out.append(measure("batch: resnet50 gradcam b\(batch)", images: batch) {
        _ = try! gradcam.explain(batch: x, target: .predicted)
      })
    }
    // Number of images: Grad-CAM over a stream of images in batches of 8 (time should be linear,
    // memory flat).
    for count in [8, 32, 128] {
      let x = WeightFormula.tensor("input", [8, 3, 224, 224])
      out.append(measure("images: resnet50 gradcam \(count) images, batches of 8", images: count, repeats: 1) {
        for _ in 0..<(count / 8) { _ = try! gradcam.explain(batch: x, target: .predicted) }
      })
    }
    return out
  }

  private func vitSeries() throws -> [BenchResult] {
    var out: [BenchResult] = []
    // Image size: ViT-S/8 at 224 (785 tokens) and 480 (3601 tokens), forward, attention rollout
    // and gradient rollout (which keeps every block's attention and its gradient).
    // One model: the position embedding is interpolated to the input's token grid, as timm does.
    let vit = try VisionTransformer("vit_small_patch8", config: .named("vit_small_patch8")!, weights: WeightFormula.source)
    for size in [224, 320, 480] {
      let x = WeightFormula.tensor("input", [1, 3, size, size])
      out.append(measure("image size: vit_small_patch8 \(size) forward", images: 1) { _ = vit.logits(x) })
      let rollout = try CAMExplainer(model: vit, method: .rollout)
      out.append(measure("image size: vit_small_patch8 \(size) rollout", images: 1) {
        _ = try! rollout.explain(batch: x, target: .predicted)
      })
      let gradRollout = try CAMExplainer(model: vit, method: .gradRollout)
      out.append(measure("image size: vit_small_patch8 \(size) gradient rollout", images: 1) {
        _ = try! gradRollout.explain(batch: x, target: .predicted)
      })
    }
    return out
  }

  /// Best time of the case (after a warm-up run) and the case's own peak RSS.
  private func measure(_ name: String, images: Int, repeats: Int? = nil, _ body: () -> Void) -> BenchResult {
    resetPeakResident()
    let t = bestTime(repeats: repeats ?? self.repeats, body)
    let rss = currentPeakResidentMegabytes()
    print(String(format: "%@  %9.1f ms  (%7.1f ms/image)  peak RSS %6.0f MB", pad(name, 60), t * 1e3,
                 t * 1e3 / Double(images), rss))
    return BenchResult(suite: "scaling", name: name, seconds: t, gflops: nil, ratio: nil, ratioTo: nil, peakRSSMB: rss)
  }
}

/// Returns freed heap to the system and resets the kernel's peak-RSS mark (Linux; elsewhere the
/// process-wide peak is reported).
func resetPeakResident() {
  #if os(Linux)
    _ = malloc_trim(0)
    try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
  #endif
}

/// The peak RSS since the last `resetPeakResident()` (VmHWM), in MB.
func currentPeakResidentMegabytes() -> Double {
  #if os(Linux)
    if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
       let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
       let kb = Double(line.split(separator: " ").dropFirst().first ?? "") {
      return kb / 1024
    }
  #endif
  return peakResidentMegabytes()
}
