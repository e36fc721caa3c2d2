import Autodiff
import Corruptions
import Foundation
import Networks

/// ROAD, RemOve And Debias (Rong et al. 2022), as pytorch-grad-cam 1.5.7 computes it
/// (`pytorch_grad_cam.metrics.road`): the pixels a map ranks highest (MoRF) or lowest (LeRF) are
/// replaced by noisy linear imputation from their neighbours, and the target's logit is compared
/// with the unperturbed input's.
///
/// * Masks: for percentile `p`, MoRF keeps the pixels whose map value is below the map's `p`-th
///   percentile (numpy linear interpolation) and imputes the rest; LeRF does the same on `1 − map`.
/// * Imputation (`NoisyLinearImputer`): every imputed pixel equals the weighted mean of its
///   in-image 8 neighbours (weights 1/6 for the 4 direct, 1/12 for the diagonal ones), known and
///   imputed alike: one sparse symmetric linear system per channel, solved here by conjugate
///   gradients in float64 (pytorch-grad-cam: scipy `spsolve`), then `noise · N(0, 1)` added to
///   each imputed value. pytorch-grad-cam draws that noise from torch's generator; this one draws
///   it from a numpy-compatible RandomState seeded with ``seed``, so with `noise` 0 the two agree.
/// * Scores: logit of the target after imputation minus before (`return_diff=True`), averaged over
///   ``percentiles``; ``combined(inputs:maps:imageIndices:classes:)`` is `(LeRF − MoRF) / 2`
///   (`ROADCombined`: higher = the map ranks pixels more faithfully).
public struct ROAD {
  /// The model that is scored.
  public let model: ImageClassifier
  /// Percentiles averaged over (pytorch-grad-cam's default 10, 20, ..., 90).
  public var percentiles: [Double] = [10, 20, 30, 40, 50, 60, 70, 80, 90]
  /// Standard deviation of the noise added to imputed values (pytorch-grad-cam's 0.01).
  public var noise = 0.01
  /// Seed of the imputation noise.
  public var seed: UInt32 = 0
  /// Perturbed inputs per forward pass.
  public var batchSize = 32

  /// The neighbour offsets (row, column) and weights of the imputation.
  static let neighbours: [(Int, Int, Double)] = [
    (1, 1, 1.0 / 12), (0, 1, 1.0 / 6), (-1, 1, 1.0 / 12), (1, -1, 1.0 / 12),
    (0, -1, 1.0 / 6), (-1, -1, 1.0 / 12), (1, 0, 1.0 / 6), (-1, 0, 1.0 / 6),
  ]

  /// Creates the metric for a model.
  public init(model: ImageClassifier) { self.model = model }

  /// `ROADCombined` per map: `(LeRF − MoRF) / 2` of the percentile-averaged logit changes.
  public func combined(inputs: Tensor, maps: Tensor, imageIndices: [Int], classes: [Int]) -> [Double] {
    let morf = changes(inputs: inputs, maps: maps, imageIndices: imageIndices, classes: classes, mostRelevantFirst: true)
    let lerf = changes(inputs: inputs, maps: maps, imageIndices: imageIndices, classes: classes, mostRelevantFirst: false)
    return zip(lerf, morf).map { ($0 - $1) / 2 }
  }

  /// Percentile-averaged logit change per map when the most (or least) relevant pixels are imputed
  /// (`ROADMostRelevantFirstAverage`, `ROADLeastRelevantFirstAverage`).
  public func changes(inputs: Tensor, maps: Tensor, imageIndices: [Int], classes: [Int], mostRelevantFirst: Bool) -> [Double] {
    let perPercentile = percentiles.map {
      change(inputs: inputs, maps: maps, imageIndices: imageIndices, classes: classes, percentile: $0, mostRelevantFirst: mostRelevantFirst)
    }
    return imageIndices.indices.map { k in perPercentile.reduce(0) { $0 + $1[k] } / Double(percentiles.count) }
  }

  /// Logit change per map at one percentile (`ROADMostRelevantFirst(p)` / `ROADLeastRelevantFirst(p)`).
  public func change(
    inputs: Tensor, maps: Tensor, imageIndices: [Int], classes: [Int], percentile: Double, mostRelevantFirst: Bool
  ) -> [Double] {
    let (c, h, w) = (inputs.shape[1], inputs.shape[2], inputs.shape[3])
    precondition(maps.shape == [imageIndices.count, h, w], "ROAD: maps \(maps.shape) do not match the inputs \(inputs.shape)")
    let x = inputs.detached().converted(to: .float32).scalars
    let m = maps.scalars
    let hw = h * w, size = c * hw
    var scorer = FaithfulnessMetrics(model: model)
    scorer.batchSize = batchSize
    scorer.score = .logit
    var clean: [Float] = [], imputed: [Float] = []
    var rng = NumpyRandomState(seed: seed)
    for (k, img) in imageIndices.enumerated() {
      let image = Array(x[(img * size)..<((img + 1) * size)])
      clean += image
      var map = Array(m[(k * hw)..<((k + 1) * hw)])
      if !mostRelevantFirst { map = map.map { 1 - $0 } }
      let threshold = Self.percentile(map, percentile)
      imputed += Self.impute(image, channels: c, height: h, width: w, keep: map.map { $0 < threshold }, noise: noise, rng: &rng)
    }
    let before = scorer.scores(clean, shape: [c, h, w], classes: classes)
    let after = scorer.scores(imputed, shape: [c, h, w], classes: classes)
    return zip(after, before).map { $0 - $1 }
  }

  /// numpy's `percentile(v, p)` (linear interpolation, in float32 as numpy does for float32 input).
  public static func percentile(_ v: [Float], _ p: Double) -> Float {
    let sorted = v.sorted()
    let index = p / 100 * Double(sorted.count - 1)
    let lo = Int(index.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
    let t = Float(index - Double(lo))
    let a = sorted[lo], b = sorted[hi]
    return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t
  }

  /// `NoisyLinearImputer` without noise: `image` (`[channels, height, width]` flat) with every
  /// pixel where `keep` is false replaced by the solution of the neighbour-mean system.
  public static func impute(_ image: [Float], channels: Int, height: Int, width: Int, keep: [Bool]) -> [Float] {
    var rng = NumpyRandomState(seed: 0)
    return impute(image, channels: channels, height: height, width: width, keep: keep, noise: 0, rng: &rng)
  }

  /// `NoisyLinearImputer`: the imputation plus `noise · N(0, 1)` on each imputed value
  /// (channel-major order of the imputed pixels, drawn from `rng`).
  static func impute(
    _ image: [Float], channels: Int, height: Int, width: Int, keep: [Bool], noise: Double, rng: inout NumpyRandomState
  ) -> [Float] {
    let hw = height * width
    let unknown = (0..<hw).filter { !keep[$0] }
    guard !unknown.isEmpty else { return image }
    var variable = [Int](repeating: -1, count: hw)
    for (v, p) in unknown.enumerated() { variable[p] = v }
    // Row v of the system: diagonal[v]·x_v − Σ w·x_j (imputed neighbours j) = Σ w·value_k (known).
    var diagonal = [Double](repeating: 0, count: unknown.count)
    var links: [[(Int, Double)]] = Array(repeating: [], count: unknown.count)
    var knownTerms: [[(Int, Double)]] = Array(repeating: [], count: unknown.count)
    for (v, p) in unknown.enumerated() {
      let (r, col) = (p / width, p % width)
      for (dr, dc, weight) in neighbours {
        let (nr, nc) = (r + dr, col + dc)
        guard nr >= 0, nc >= 0, nr < height, nc < width else { continue }
        diagonal[v] += weight
        let q = nr * width + nc
        if keep[q] { knownTerms[v].append((q, weight)) } else { links[v].append((variable[q], weight)) }
      }
    }
    var out = image
    var solutions: [[Double]] = []
    for ch in 0..<channels {
      let b = knownTerms.map { $0.reduce(0.0) { $0 + $1.1 * Double(image[ch * hw + $1.0]) } }
      solutions.append(conjugateGradient(diagonal: diagonal, links: links, b: b))
    }
    for ch in 0..<channels {
      for (v, p) in unknown.enumerated() {
        let value = Float(solutions[ch][v])
        out[ch * hw + p] = noise == 0 ? value : value + Float(noise * rng.gauss())
      }
    }
    return out
  }

  /// Solves `(D − L) x = b` (symmetric positive definite when every imputed region touches a kept
  /// pixel) by conjugate gradients to a relative residual of 1e-12.
  static func conjugateGradient(diagonal: [Double], links: [[(Int, Double)]], b: [Double]) -> [Double] {
    let n = b.count
    func apply(_ x: [Double]) -> [Double] {
      (0..<n).map { v in links[v].reduce(diagonal[v] * x[v]) { $0 - $1.1 * x[$1.0] } }
    }
    var x = [Double](repeating: 0, count: n)
    var r = b, p = b
    var rr = r.reduce(0) { $0 + $1 * $1 }
    let stop = 1e-24 * max(rr, 1e-300)
    var iterations = 0
    while rr > stop && iterations < 10 * n + 100 {
      let ap = apply(p)
      let pap = zip(p, ap).reduce(0) { $0 + $1.0 * $1.1 }
      guard pap > 0 else { break }
      let alpha = rr / pap
      for i in 0..<n {
        x[i] += alpha * p[i]
        r[i] -= alpha * ap[i]
      }
      let next = r.reduce(0) { $0 + $1 * $1 }
      let beta = next / rr
      rr = next
      for i in 0..<n { p[i] = r[i] + beta * p[i] }
      iterations += 1
    }
    return x
  }
}
