/// The method-specific combination of activations `A` and gradients `G` into one raw map per
/// image (pytorch-grad-cam 1.5.7's `get_cam_image`, before ReLU and normalisation).
///
/// Notation: `A_k(i,j)` is channel `k`; sums over `(i,j)` run over the map. All per-element
/// arithmetic is float32 as numpy does; sums accumulate in Double (numpy uses pairwise float32
/// sums, a difference far below the 1e-4 parity tolerance on normalised maps).
enum ChannelCombination {
  /// Grad-CAM: `w_k = mean G_k`, `raw = Σ_k w_k A_k`.
  static func gradCAM(_ a: FeatureMaps, _ g: FeatureMaps) -> [Float] {
    let n = Double(g.pixels)
    let w = g.perChannel { o in Float((0..<g.pixels).reduce(0.0) { $0 + Double(g.values[o + $1]) } / n) }
    return a.weightedSum(w)
  }

  /// HiResCAM: `raw = Σ_k G_k ⊙ A_k`.
  static func hiResCAM(_ a: FeatureMaps, _ g: FeatureMaps) -> [Float] {
    a.channelSum(with: g) { $0 * $1 }
  }

  /// LayerCAM: `raw = Σ_k max(G_k, 0) ⊙ A_k`.
  static func layerCAM(_ a: FeatureMaps, _ g: FeatureMaps) -> [Float] {
    a.channelSum(with: g) { x, gr in Swift.max(gr, 0) * x }
  }

  /// XGrad-CAM: `w_k = Σ (G_k A_k / (Σ A_k + 1e-7))`, `raw = Σ_k w_k A_k`.
  static func xGradCAM(_ a: FeatureMaps, _ g: FeatureMaps) -> [Float] {
    let w = a.perChannel { o -> Float in
      let sumA = Float((0..<a.pixels).reduce(0.0) { $0 + Double(a.values[o + $1]) })
      let denom = sumA + 1e-7
      return Float((0..<a.pixels).reduce(0.0) { $0 + Double(g.values[o + $1] * a.values[o + $1] / denom) })
    }
    return a.weightedSum(w)
  }

  /// Grad-CAM++ as pytorch-grad-cam computes it: `α = G² / (2G² + (Σ A_k)·G³ + 1e-6)`, α set
  /// to 0 where `G = 0`, `w_k = Σ α·max(G, 0)`. No exp(S) factor and no α renormalisation
  /// (deliberately the same as the reference; see pytorch-grad-cam #369).
  static func gradCAMPlusPlus(_ a: FeatureMaps, _ g: FeatureMaps) -> [Float] {
    let w = a.perChannel { o -> Float in
      let sumA = Float((0..<a.pixels).reduce(0.0) { $0 + Double(a.values[o + $1]) })
      var total = 0.0
      for p in 0..<a.pixels {
        let gr = g.values[o + p]
        guard gr != 0 else { continue }
        let g2 = gr * gr, g3 = g2 * gr
        let alpha = g2 / (2 * g2 + sumA * g3 + 1e-6)
        total += Double(Swift.max(gr, 0) * alpha)
      }
      return Float(total)
    }
    return a.weightedSum(w)
  }

  /// Eigen-CAM: per image, the centred pixels×channels matrix projected on its first right
  /// singular vector (sign convention: ``PrincipalDirection``).
  static func eigenCAM(_ a: FeatureMaps) -> [Float] {
    var out: [Float] = []
    out.reserveCapacity(a.batch * a.pixels)
    for b in 0..<a.batch {
      let slice = Array(a.values[(b * a.channels * a.pixels)..<((b + 1) * a.channels * a.pixels)])
      out += PrincipalDirection.projection(channelsFirst: slice, channels: a.channels, pixels: a.pixels)
    }
    return out
  }

  /// Eigen-Grad-CAM: Eigen-CAM of `G ⊙ A`.
  static func eigenGradCAM(_ a: FeatureMaps, _ g: FeatureMaps) -> [Float] {
    eigenCAM(a.multiplied(by: g))
  }
}
