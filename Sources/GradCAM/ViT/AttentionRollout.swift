import Autodiff

/// Attention rollout over a Vision Transformer's blocks (see ``RolloutOptions`` for the exact
/// steps). Computed in Double (each block's normalised matrix is kept in float32); only the
/// class-token row of the product is formed, by
/// multiplying a row vector through the blocks from the last to the first
/// (`e₀ᵀ Â_L ⋯ Â_1`), which equals row 0 of the full product.
enum AttentionRollout {
  /// Raw maps `[B, rows * columns]` (flat): the class-token row of the rollout over the patches.
  ///
  /// - Parameters:
  ///   - attentions: per block in forward order, `[B, heads, N, N]` (heads may already be fused).
  ///   - gradients: for gradient rollout, `∂y/∂A` per block in forward order (same shapes).
  static func rawMaps(
    attentions: [Tensor], gradients: [Tensor]?, options: RolloutOptions, prefixTokens: Int
  ) -> [Float] {
    precondition(!attentions.isEmpty, "rollout: no attention captured")
    let layers = attentions.count
    // One block fused at a time, as the rollout below asks for it.
    return rawMaps(blocks: layers, options: options, prefixTokens: prefixTokens,
                   protectCLS: gradients == nil || !options.vitExplainCompatible) { l in
      if let gradients {
        // vit-explain pairs forward block l with backward-ordered gradient l, i.e. block L-1-l.
        return gradientWeighted(attentions[l], gradients[options.vitExplainCompatible ? layers - 1 - l : l])
      }
      return headFused(attentions[l], fusion: options.headFusion)
    }
  }

  /// One block's heads fused per image: `[B][N*N]` in Double.
  static func headFused(_ attention: Tensor, fusion: RolloutOptions.HeadFusion) -> [[Double]] {
    let shape = attention.shape
    let (b, heads, n) = (shape[0], shape[1], shape[2])
    let att = attention.detached().converted(to: .float32).scalars
    return (0..<b).map { fuse(att, offset: $0 * heads * n * n, heads: heads, n: n, fusion: fusion) }
  }

  /// One block's gradient-weighted attention per image, `max(mean over heads of A ⊙ ∂y/∂A, 0)`:
  /// `[B][N*N]` in Double.
  static func gradientWeighted(_ attention: Tensor, _ gradient: Tensor) -> [[Double]] {
    let shape = attention.shape
    precondition(gradient.shape == shape, "rollout: gradient \(gradient.shape) does not match attention \(shape)")
    let (b, heads, n) = (shape[0], shape[1], shape[2])
    let att = attention.detached().converted(to: .float32).scalars
    let grad = gradient.detached().converted(to: .float32).scalars
    return (0..<b).map { img in
      let offset = img * heads * n * n
      var fused = [Double](repeating: 0, count: n * n)
      for h in 0..<heads {
        let o = offset + h * n * n
        for i in 0..<(n * n) { fused[i] += Double(att[o + i]) * Double(grad[o + i]) }
      }
      for i in 0..<(n * n) { fused[i] = Swift.max(fused[i] / Double(heads), 0) }
      return fused
    }
  }

  /// The rollout of `blocks` blocks fused over heads, `block(l)` giving block l's `[image][N*N]`
  /// (asked once each, in forward order, so only one is alive in Double at a time): discard,
  /// residual identity, row normalisation, then the class-token row of `Â_L ⋯ Â_1` over the
  /// patches.
  static func rawMaps(
    blocks layers: Int, options: RolloutOptions, prefixTokens: Int, protectCLS: Bool, block: (Int) -> [[Double]]
  ) -> [Float] {
    precondition(layers > 0, "rollout: no attention captured")
    // Normalised Â per image and block, kept as float32 (half the memory of Double at thousands
    // of tokens; the products below still run in Double).
    var fusedPerImage: [[[Float]]] = []
    var n = 0
    for l in 0..<layers {
      var images = block(l)
      if l == 0 {
        precondition(!images.isEmpty, "rollout: no attention captured")
        fusedPerImage = [[[Float]]](repeating: [], count: images.count)
        n = Int(Double(images[0].count).squareRoot().rounded())
      }
      for img in 0..<fusedPerImage.count {
        var fused = images[img]
        images[img] = []
        if options.discardRatio > 0 {
          discard(&fused, n: n, options: options, protectCLS: protectCLS)
        }
        // Residual identity and normalisation.
        for i in 0..<n { fused[i * n + i] += 1 }
        for i in 0..<(n * n) { fused[i] /= 2 }
        if options.vitExplainCompatible {
          let rowSums = (0..<n).map { i in (0..<n).reduce(0.0) { $0 + fused[i * n + $1] } }
          for i in 0..<n { for j in 0..<n { fused[i * n + j] /= rowSums[j] } }
        } else {
          for i in 0..<n {
            let s = (0..<n).reduce(0.0) { $0 + fused[i * n + $1] }
            for j in 0..<n { fused[i * n + j] /= s }
          }
        }
        fusedPerImage[img].append(fused.map { Float($0) })
      }
    }
    var out: [Float] = []
    out.reserveCapacity(fusedPerImage.count * (n - prefixTokens))
    for img in 0..<fusedPerImage.count {
      let fusedPerLayer = fusedPerImage[img]
      // Row 0 of Â_L ⋯ Â_1.
      var row = [Double](repeating: 0, count: n)
      row[0] = 1
      for l in stride(from: layers - 1, through: 0, by: -1) {
        let m = fusedPerLayer[l]
        var next = [Double](repeating: 0, count: n)
        for k in 0..<n where row[k] != 0 {
          let r = row[k]
          for j in 0..<n { next[j] += r * Double(m[k * n + j]) }
        }
        row = next
      }
      var mask = Array(row[prefixTokens...])
      if options.vitExplainCompatible, let top = mask.max(), top != 0 { mask = mask.map { $0 / top } }
      out += mask.map { Float($0) }
    }
    return out
  }

  /// `[B, heads, N, N]` attention fused over heads to `[B, 1, N, N]` float32, each value fused in
  /// Double as ``fuse(_:offset:heads:n:fusion:)`` does (max and min are exact; the mean is
  /// rounded once to float32).
  static func fusedHeads(_ attention: Tensor, fusion: RolloutOptions.HeadFusion) -> Tensor {
    let shape = attention.shape
    precondition(shape.count == 4, "rollout: attention must be [B, heads, N, N], got \(shape)")
    let (b, heads, n) = (shape[0], shape[1], shape[2])
    let a = attention.detached().converted(to: .float32).scalars
    var out: [Float] = []
    out.reserveCapacity(b * n * n)
    for img in 0..<b {
      out += fuse(a, offset: img * heads * n * n, heads: heads, n: n, fusion: fusion).map { Float($0) }
    }
    return Tensor(shape: [b, 1, n, n], scalars: out)
  }

  /// Heads of one image fused to `N×N`.
  static func fuse(_ a: [Float], offset: Int, heads: Int, n: Int, fusion: RolloutOptions.HeadFusion) -> [Double] {
    var fused = (0..<(n * n)).map { Double(a[offset + $0]) }
    for h in 1..<Swift.max(heads, 1) {
      let o = offset + h * n * n
      for i in 0..<(n * n) {
        let v = Double(a[o + i])
        switch fusion {
        case .mean: fused[i] += v
        case .max: fused[i] = Swift.max(fused[i], v)
        case .min: fused[i] = Swift.min(fused[i], v)
        }
      }
    }
    if fusion == .mean { for i in 0..<(n * n) { fused[i] /= Double(heads) } }
    return fused
  }

  /// Zeroes the lowest entries (ties broken by lower flat index first).
  static func discard(_ m: inout [Double], n: Int, options: RolloutOptions, protectCLS: Bool) {
    if options.discardScope == .row && !options.vitExplainCompatible {
      let k = Int(Double(n) * options.discardRatio)
      guard k > 0 else { return }
      for i in 0..<n {
        let order = (0..<n).sorted { m[i * n + $0] != m[i * n + $1] ? m[i * n + $0] < m[i * n + $1] : $0 < $1 }
        for j in order.prefix(k) { m[i * n + j] = 0 }
      }
      return
    }
    let k = Int(Double(n * n) * options.discardRatio)
    guard k > 0 else { return }
    if options.vitExplainCompatible {
      // topk(k, largest=False) over all entries, then index 0 dropped from the list (rollout).
      let order = (0..<(n * n)).sorted { m[$0] != m[$1] ? m[$0] < m[$1] : $0 < $1 }
      for i in order.prefix(k) where !(protectCLS && i == 0) { m[i] = 0 }
    } else {
      let order = (1..<(n * n)).sorted { m[$0] != m[$1] ? m[$0] < m[$1] : $0 < $1 }
      for i in order.prefix(k) { m[i] = 0 }
    }
  }
}
