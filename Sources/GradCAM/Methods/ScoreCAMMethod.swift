import Autodiff
import Foundation
import Networks

/// Score-CAM as pytorch-grad-cam 1.5.7 computes it.
///
/// 1. Upsample the activations `[B, C, h, w]` to the input size with
///    `nn.UpsamplingBilinear2d`, i.e. bilinear with **align_corners=True** (unlike the final
///    half-pixel resize of the map).
/// 2. Min-max each upsampled channel with eps 1e-8: the mask `M_k`.
/// 3. Run the model on the **normalised input** times each mask, `batchSize` masked images per
///    forward pass, and read the raw target logit `s_k` (no baseline subtraction).
/// 4. Channel weights `softmax_k(s)`; `raw = Σ_k w_k A_k`.
///
/// The masked logits do not depend on the target, so all targets (top-k) share one set of
/// forward passes.
struct ScoreCAMMethod: CAMMethodImplementation {
  let name = "scorecam"
  let usesGradients = false

  func rawMaps(_ request: CAMRequest) throws -> CAMRawMaps {
    try request.layerMaps(gradients: false) { c in
      Self.rawMaps(
        model: request.model, input: request.input, activations: c.activations, passes: c.passes,
        batchSize: request.scoreCAMBatchSize, progress: request.scoreCAMProgress)
    }
  }

  /// Raw maps `[passes][B * h * w]` for each target pass.
  static func rawMaps(
    model: ImageClassifier, input: Tensor, activations a: FeatureMaps, passes: [[Int]], batchSize: Int,
    progress: ((Int, Int) -> Void)? = nil
  ) -> [[Float]] {
    let (b, cIn, hIn, wIn) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    let x = input.detached().converted(to: .float32).scalars
    let imageSize = cIn * hIn * wIn
    var results = [[Float]](repeating: [], count: passes.count)
    for img in 0..<b {
      let base = Array(a.values[(img * a.channels * a.pixels)..<((img + 1) * a.channels * a.pixels)])
      let masks = upsampleAlignCorners(base, channels: a.channels, from: (a.height, a.width), to: (hIn, wIn))
      let maskSize = hIn * wIn
      // Logits of every masked image: [C, classes].
      var logits: [Float] = []
      var classes = 0
      for start in stride(from: 0, to: a.channels, by: batchSize) {
        let end = Swift.min(a.channels, start + batchSize)
        var batch = [Float](repeating: 0, count: (end - start) * imageSize)
        for k in start..<end {
          var mask = Array(masks[(k * maskSize)..<((k + 1) * maskSize)])
          let lo = mask.min() ?? 0, hi = mask.max() ?? 0
          let denom = hi - lo + 1e-8
          for i in mask.indices { mask[i] = (mask[i] - lo) / denom }
          for c in 0..<cIn {
            let src = img * imageSize + c * maskSize, dst = (k - start) * imageSize + c * maskSize
            for i in 0..<maskSize { batch[dst + i] = x[src + i] * mask[i] }
          }
        }
        let out = model.logits(Tensor(shape: [end - start, cIn, hIn, wIn], scalars: batch))
        classes = out.shape[1]
        logits += out.scalars
        progress?(img * a.channels + end, b * a.channels)
      }
      for (r, pass) in passes.enumerated() {
        let target = pass[img]
        let scores = (0..<a.channels).map { logits[$0 * classes + target] }
        let top = scores.max() ?? 0
        let e = scores.map { Foundation.exp(Double($0 - top)) }
        let total = e.reduce(0, +)
        let w = e.map { Float($0 / total) }
        let one = FeatureMaps(batch: 1, channels: a.channels, height: a.height, width: a.width, values: base)
        results[r] += one.weightedSum(w)
      }
    }
    return results
  }

  /// Bilinear resize of `[C, h, w]` with align_corners=True (`nn.UpsamplingBilinear2d`):
  /// source coordinate `dst * (in - 1) / (out - 1)`.
  static func upsampleAlignCorners(_ v: [Float], channels: Int, from: (Int, Int), to: (Int, Int)) -> [Float] {
    func taps(_ input: Int, _ output: Int) -> [(Int, Int, Float)] {
      let scale: Float = output > 1 ? Float(input - 1) / Float(output - 1) : 0
      return (0..<output).map { o in
        let src = scale * Float(o)
        let i0 = Swift.min(Int(src), input - 1)
        let i1 = Swift.min(i0 + 1, input - 1)
        let l1 = src - Float(i0)
        return (i0, i1, l1)
      }
    }
    let ht = taps(from.0, to.0), wt = taps(from.1, to.1)
    var out = [Float](repeating: 0, count: channels * to.0 * to.1)
    for c in 0..<channels {
      let src = c * from.0 * from.1
      for (oy, (y0, y1, ly)) in ht.enumerated() {
        for (ox, (x0, x1, lx)) in wt.enumerated() {
          let top = (1 - lx) * v[src + y0 * from.1 + x0] + lx * v[src + y0 * from.1 + x1]
          let bottom = (1 - lx) * v[src + y1 * from.1 + x0] + lx * v[src + y1 * from.1 + x1]
          out[(c * to.0 + oy) * to.1 + ox] = (1 - ly) * top + ly * bottom
        }
      }
    }
    return out
  }
}

extension CAMMethod {
  /// Score-CAM: softmax over channels of the target logit of the input masked by each channel.
  public static let scoreCAM = CAMMethod(ScoreCAMMethod())
}
