import Autodiff
import Corruptions
import Foundation
import GradCAM
import Imaging
import Networks

/// Forward passes, CAMs and corruptions at the sizes the issues measure, with deterministic
/// weights (WeightFormula), so they run offline.
struct ModelBench {
  let repeats: Int
  /// Only cases whose name contains this run (all when nil).
  var filter: String? = nil

  private func wanted(_ name: String) -> Bool { filter.map { name.contains($0) } ?? true }

  func forward() throws -> [BenchResult] {
    var out: [BenchResult] = []
    let models: [(String, () throws -> ImageClassifier, Int)] = [
      ("resnet18", { try ResNet("resnet18", weights: WeightFormula.source) }, 224),
      ("resnet50", { try ResNet("resnet50", weights: WeightFormula.source) }, 224),
      ("vit_small_patch16", { try VisionTransformer("vit_small_patch16", config: .named("vit_small_patch16")!, weights: WeightFormula.source) }, 224),
      // DINOv2 ViT-S/14 at 224: 16x16 patches, positions resampled from 37x37 (issue 18).
      ("vit_small_patch14_dinov2", { try VisionTransformer("vit_small_patch14_dinov2", config: .named("vit_small_patch14_dinov2")!, weights: WeightFormula.source) }, 224),
      // DeiT-S with its distillation token (two prefix tokens, two heads averaged).
      ("deit_small_distilled_patch16_224", { try VisionTransformer("deit_small_distilled_patch16_224", config: .named("deit_small_distilled_patch16_224")!, weights: WeightFormula.source) }, 224),
      ("convnext_tiny", { try ConvNeXt("convnext_tiny", layout: .torchvision, weights: WeightFormula.source) }, 224),
      ("swin_t", { try SwinTransformer("swin_t", layout: .torchvision, weights: WeightFormula.source) }, 224),
      ("efficientnet_lite0", { try EfficientNet("tf_efficientnet_lite0", layout: .timm, weights: WeightFormula.source) }, 224),
      ("mobilenet_v3_large", { try MobileNetV3("mobilenet_v3_large", weights: WeightFormula.source) }, 224),
    ]
    for (name, make, size) in models where [1, 8].contains(where: { wanted("\(name) b\($0)") }) {
      let model = try make()
      for batch in [1, 8] where wanted("\(name) b\(batch)") {
        let x = WeightFormula.tensor("input", [batch, 3, size, size])
        let t = bestTime(repeats: repeats) { _ = model.logits(x) }
        out.append(row("forward", "\(name) b\(batch)", t, perImage: batch))
      }
    }
    return out
  }

  func cam() throws -> [BenchResult] {
    var out: [BenchResult] = []
    let resnet = try ResNet("resnet50", weights: WeightFormula.source)
    let gradcam = try CAMExplainer(model: resnet, method: .gradCAM)
    for batch in [1, 8] where wanted("gradcam resnet50 layer4 b\(batch)") {
      let x = WeightFormula.tensor("input", [batch, 3, 224, 224])
      let t = bestTime(repeats: repeats) { _ = try! gradcam.explain(batch: x, target: .predicted) }
      out.append(row("cam", "gradcam resnet50 layer4 b\(batch)", t, perImage: batch))
    }
    // ViT-S/16 at its default layer (the last block's norm1): the forward pass and a backward
    // pass through the last block.
    let vitName = { (batch: Int) in "gradcam vit_small_patch16 blocks.-1.norm1 b\(batch)" }
    if [1, 8].contains(where: { wanted(vitName($0)) }) {
      let vit = try VisionTransformer("vit_small_patch16", config: .named("vit_small_patch16")!, weights: WeightFormula.source)
      let explainer = try CAMExplainer(model: vit, method: .gradCAM)
      for batch in [1, 8] where wanted(vitName(batch)) {
        let x = WeightFormula.tensor("input", [batch, 3, 224, 224])
        let t = bestTime(repeats: repeats) { _ = try! explainer.explain(batch: x, target: .predicted) }
        out.append(row("cam", vitName(batch), t, perImage: batch))
      }
    }
    // Depthwise networks: Grad-CAM at the default layer (backward through the head only) and,
    // for EfficientNet-Lite0, at blocks.3 (backward through three stages of depthwise convolutions).
    let depthwise: [(String, () throws -> ImageClassifier, [String])] = [
      ("efficientnet_lite0", { try EfficientNet("tf_efficientnet_lite0", layout: .timm, weights: WeightFormula.source) },
       ["conv_head", "blocks.3"]),
      ("mobilenet_v3_large", { try MobileNetV3("mobilenet_v3_large", weights: WeightFormula.source) }, ["features.16"]),
    ]
    for (name, make, layers) in depthwise where layers.contains(where: { l in [1, 8].contains { wanted("gradcam \(name) \(l) b\($0)") } }) {
      let model = try make()
      for layer in layers {
        let explainer = try CAMExplainer(model: model, method: .gradCAM, layer: layer)
        for batch in [1, 8] where wanted("gradcam \(name) \(layer) b\(batch)") {
          let x = WeightFormula.tensor("input", [batch, 3, 224, 224])
          let t = bestTime(repeats: repeats) { _ = try! explainer.explain(batch: x, target: .predicted) }
          out.append(row("cam", "gradcam \(name) \(layer) b\(batch)", t, perImage: batch))
        }
      }
    }
    let rollouts: [(String, CAMMethod)] = [
      ("rollout vit_small_patch16 b1 (forward + rollout)", .rollout),
      ("gradrollout vit_small_patch16 b1 (forward + backward + rollout)", .gradRollout),
    ]
    guard rollouts.contains(where: { wanted($0.0) }) else { return out }
    let vit = try VisionTransformer("vit_small_patch16", config: .named("vit_small_patch16")!, weights: WeightFormula.source)
    let x = WeightFormula.tensor("input", [1, 3, 224, 224])
    for (name, method) in rollouts where wanted(name) {
      let explainer = try CAMExplainer(model: vit, method: method)
      let t = bestTime(repeats: repeats) { _ = try! explainer.explain(batch: x, target: .predicted) }
      out.append(row("cam", name, t, perImage: 1))
    }
    return out
  }

  func corruptions() throws -> [BenchResult] {
    var pixels = [UInt8](repeating: 0, count: 224 * 224 * 3)
    var rng = SplitMix64(seed: 1)
    for i in pixels.indices { pixels[i] = UInt8(truncatingIfNeeded: rng.next()) }
    // A smooth image: random pixels would make blur/JPEG timings unrepresentative.
    let image = RGBImage(width: 224, height: 224, pixels: pixels.enumerated().map { i, v in
      UInt8((Int(v) / 4 + (i / 3 % 224) / 2 + (i / 672) / 2) % 256)
    })
    var out: [BenchResult] = []
    var total = 0.0
    for c in Corruption.all {
      let t = bestTime(repeats: repeats) {
        for s in 1...5 { _ = try! Corruptions.apply(image, c, severity: s, seed: 0) }
      }
      total += t
      out.append(row("corruptions", "\(c.rawValue) x5 (224x224)", t, perImage: 5))
    }
    out.append(row("corruptions", "all 19 x 5 (224x224, sequential)", total, perImage: 95))
    let jobs = Corruption.all.flatMap { c in (1...5).map { Corruptions.Job(c, severity: $0, seed: 0) } }
    let parallel = bestTime(repeats: repeats) { _ = try! Corruptions.applyMany(image, jobs) }
    out.append(row("corruptions", "all 19 x 5 (224x224, all cores)", parallel, perImage: 95))
    return out
  }

  private func row(_ suite: String, _ name: String, _ t: Double, perImage n: Int) -> BenchResult {
    let rss = peakResidentMegabytes()
    print(String(format: "%@  %9.1f ms  (%7.1f ms/image)  peak RSS so far %6.0f MB", pad(name, 52), t * 1e3, t * 1e3 / Double(n), rss))
    return BenchResult(suite: suite, name: name, seconds: t, gflops: nil, ratio: nil, ratioTo: nil, peakRSSMB: rss)
  }
}

/// Pads a label to a column width.
func pad(_ s: String, _ width: Int) -> String {
  s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
}

/// The process's peak resident set size, in MB: Linux's `VmHWM`, because `ru_maxrss` starts at
/// the parent's peak when a large process (compare.py's Python, 1.5 GB) starts this one.
func peakResidentMegabytes() -> Double {
  if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
     let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
     let kB = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") {
    return kB / 1024
  }
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  return Double(usage.ru_maxrss) / 1024
}
