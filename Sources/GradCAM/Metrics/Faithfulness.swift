import Autodiff
import Foundation
import Networks

/// What replaces removed pixels in deletion / insertion.
public enum PerturbationBaseline: Sendable, Equatable {
  /// Zero in the model's normalised input space, i.e. the dataset mean colour (the same "zero"
  /// that pytorch-grad-cam's CAM multiplication produces), not black.
  case zero
  /// The input blurred per channel with a Gaussian of this standard deviation in pixels
  /// (separable kernel of radius `ceil(3σ)`, border pixels replicated), in normalised space.
  case blurred(sigma: Double)
}

/// How a perturbed input is scored.
public enum ConfidenceScore: String, Sendable, CaseIterable {
  /// Softmax probability of the target class.
  case probability
  /// Raw logit of the target class (pytorch-grad-cam's `ClassifierOutputTarget`).
  case logit
}

/// A deletion or insertion curve of one map.
public struct PerturbationCurve: Sendable, Equatable {
  /// Fraction of pixels removed (deletion) or inserted (insertion) at each step, 0 to 1.
  public let fractions: [Double]
  /// The target's score at each step.
  public let scores: [Double]
  /// Creates a curve from matching fractions and scores.
  public init(fractions: [Double], scores: [Double]) {
    precondition(fractions.count == scores.count, "PerturbationCurve: \(fractions.count) fractions for \(scores.count) scores")
    self.fractions = fractions
    self.scores = scores
  }

  /// Area under the curve by the trapezoid rule over ``fractions``.
  public var auc: Double {
    var area = 0.0
    for i in 1..<max(fractions.count, 1) {
      area += (fractions[i] - fractions[i - 1]) * (scores[i] + scores[i - 1]) / 2
    }
    return area
  }
}

/// Faithfulness of maps to the model: deletion / insertion AUC (Petsiuk et al. 2018, as
/// torch-cam's metrics: trapezoid AUC over CAM-ranked pixel fractions) and the confidence change
/// of the CAM-multiplied input (pytorch-grad-cam's `CamMultImageConfidenceChange`).
///
/// Pixels are ranked by map value, highest first (ties: lower row-major index first); a pixel is
/// removed or inserted in all channels at once. Step `i` of `steps` perturbs
/// `round(i · H·W / steps)` pixels, so the curve has `steps + 1` points from 0 to 1. Deletion
/// starts from the input and replaces the top pixels by the baseline (lower AUC = more
/// faithful); insertion starts from the baseline and restores the top pixels (higher AUC =
/// more faithful).
public struct FaithfulnessMetrics {
  /// The model that is scored.
  public let model: ImageClassifier
  /// Curve steps (default 20).
  public var steps = 20
  /// Replacement for removed pixels (default ``PerturbationBaseline/zero``).
  public var baseline = PerturbationBaseline.zero
  /// Score of the target (default probability).
  public var score = ConfidenceScore.probability
  /// Perturbed inputs per forward pass.
  public var batchSize = 32

  /// Creates the metrics for a model.
  public init(model: ImageClassifier) { self.model = model }

  /// Deletion curves, one per map: `inputs[imageIndices[m]]` perturbed by `maps[m]` for class
  /// `classes[m]`.
  public func deletion(inputs: Tensor, maps: Tensor, imageIndices: [Int], classes: [Int]) -> [PerturbationCurve] {
    curves(inputs: inputs, maps: maps, imageIndices: imageIndices, classes: classes, insertion: false)
  }

  /// Insertion curves, one per map.
  public func insertion(inputs: Tensor, maps: Tensor, imageIndices: [Int], classes: [Int]) -> [PerturbationCurve] {
    curves(inputs: inputs, maps: maps, imageIndices: imageIndices, classes: classes, insertion: true)
  }

  /// Deletion curves for an explanation of `inputs`.
  public func deletion(inputs: Tensor, result: CAMResult) -> [PerturbationCurve] {
    deletion(inputs: inputs, maps: result.maps, imageIndices: result.imageIndices, classes: result.targetClasses)
  }

  /// Insertion curves for an explanation of `inputs`.
  public func insertion(inputs: Tensor, result: CAMResult) -> [PerturbationCurve] {
    insertion(inputs: inputs, maps: result.maps, imageIndices: result.imageIndices, classes: result.targetClasses)
  }

  /// `score(input ⊙ map') − score(input)` per map, where `map'` is the map with every pixel
  /// outside its top `keepFraction` set to 0 (`keepFraction` 1 is exactly pytorch-grad-cam's
  /// `CamMultImageConfidenceChange`: the normalised input multiplied by the map). Negative
  /// values are drops (pytorch-grad-cam's `DropInConfidence` is `max(-Δ, 0)`).
  public func confidenceChange(
    inputs: Tensor, maps: Tensor, imageIndices: [Int], classes: [Int], keepFraction: Double = 1
  ) -> [Double] {
    let (c, h, w) = (inputs.shape[1], inputs.shape[2], inputs.shape[3])
    precondition(maps.shape == [imageIndices.count, h, w], "confidenceChange: maps \(maps.shape) do not match the inputs \(inputs.shape)")
    let x = inputs.detached().converted(to: .float32).scalars
    let m = maps.scalars
    let hw = h * w, size = c * hw
    var clean: [Float] = [], masked: [Float] = []
    for (k, img) in imageIndices.enumerated() {
      let image = Array(x[(img * size)..<((img + 1) * size)])
      clean += image
      var map = Array(m[(k * hw)..<((k + 1) * hw)])
      if keepFraction < 1 {
        let keep = Int((Double(hw) * max(0, keepFraction)).rounded())
        for p in rank(map).dropFirst(keep) { map[p] = 0 }
      }
      for ch in 0..<c { for p in 0..<hw { masked.append(image[ch * hw + p] * map[p]) } }
    }
    let before = scores(clean, shape: [c, h, w], classes: classes)
    let after = scores(masked, shape: [c, h, w], classes: classes)
    return zip(after, before).map { $0 - $1 }
  }

  // MARK: - Internals

  private func curves(inputs: Tensor, maps: Tensor, imageIndices: [Int], classes: [Int], insertion: Bool) -> [PerturbationCurve] {
    let (c, h, w) = (inputs.shape[1], inputs.shape[2], inputs.shape[3])
    precondition(maps.shape == [imageIndices.count, h, w], "faithfulness: maps \(maps.shape) do not match the inputs \(inputs.shape)")
    precondition(steps >= 1, "faithfulness: steps must be at least 1")
    let x = inputs.detached().converted(to: .float32).scalars
    let m = maps.scalars
    let hw = h * w, size = c * hw
    let counts = (0...steps).map { Int((Double($0) * Double(hw) / Double(steps)).rounded()) }
    var perturbed: [Float] = []
    var perturbedClasses: [Int] = []
    for (k, img) in imageIndices.enumerated() {
      let image = Array(x[(img * size)..<((img + 1) * size)])
      let base = baselineImage(image, channels: c, height: h, width: w)
      let order = rank(Array(m[(k * hw)..<((k + 1) * hw)]))
      var current = insertion ? base : image
      var done = 0
      for n in counts {
        for p in order[done..<n] {
          for ch in 0..<c { current[ch * hw + p] = insertion ? image[ch * hw + p] : base[ch * hw + p] }
        }
        done = n
        perturbed += current
        perturbedClasses.append(classes[k])
      }
    }
    let s = scores(perturbed, shape: [c, h, w], classes: perturbedClasses)
    let fractions = counts.map { Double($0) / Double(hw) }
    return (0..<imageIndices.count).map { k in
      PerturbationCurve(fractions: fractions, scores: Array(s[(k * (steps + 1))..<((k + 1) * (steps + 1))]))
    }
  }

  /// Pixel indices by map value, highest first, ties by index.
  private func rank(_ map: [Float]) -> [Int] {
    map.indices.sorted { map[$0] != map[$1] ? map[$0] > map[$1] : $0 < $1 }
  }

  /// Target scores of images `[N, shape...]` given flat.
  func scores(_ values: [Float], shape: [Int], classes: [Int]) -> [Double] {
    let size = shape.reduce(1, *)
    let n = values.count / size
    var out: [Double] = []
    for start in stride(from: 0, to: n, by: max(1, batchSize)) {
      let end = min(n, start + max(1, batchSize))
      let batch = Tensor(shape: [end - start] + shape, scalars: Array(values[(start * size)..<(end * size)]))
      var logits = model.logits(batch)
      if score == .probability { logits = withoutGradients { softmax(logits, axis: 1) } }
      let k = logits.shape[1], v = logits.scalars
      for i in 0..<(end - start) { out.append(Double(v[i * k + classes[start + i]])) }
    }
    return out
  }

  private func baselineImage(_ image: [Float], channels: Int, height: Int, width: Int) -> [Float] {
    switch baseline {
    case .zero: return [Float](repeating: 0, count: image.count)
    case .blurred(let sigma): return GaussianBlur.apply(image, channels: channels, height: height, width: width, sigma: sigma)
    }
  }
}
