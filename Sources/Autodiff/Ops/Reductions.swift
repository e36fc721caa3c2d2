// sum, mean, max and variance over any set of axes.

extension Tensor {
  /// Resolves reduction axes: `nil` means all; negative axes count from the end.
  private func reductionAxes(_ axes: [Int]?, _ op: String) -> [Int] {
    guard let axes else { return Array(0..<rank) }
    let resolved = axes.map { Shape.axis($0, rank: rank, op) }
    precondition(Set(resolved).count == resolved.count, "\(op): repeated axis in \(axes)")
    return resolved.sorted()
  }

  private func reducedShape(_ axes: [Int], keepingDimensions: Bool) -> [Int] {
    keepingDimensions
      ? shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
      : shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
  }

  /// Sum over `axes` (all axes when `nil`).
  public func sum(alongAxes axes: [Int]? = nil, keepingDimensions: Bool = false) -> Tensor {
    let ax = reductionAxes(axes, "sum")
    var t = self
    for a in ax { t = t.reducedAxis(a, .sum).0 }
    let kept = t.shape
    let value = t.reshapedRaw(reducedShape(ax, keepingDimensions: keepingDimensions))
    let inShape = shape
    return Tensor.recorded(value, op: "sum", inputs: [self]) { g, _ in
      [g.reshapedRaw(kept).broadcastRaw(to: inShape)]
    }
  }

  /// Mean over `axes` (all axes when `nil`).
  public func mean(alongAxes axes: [Int]? = nil, keepingDimensions: Bool = false) -> Tensor {
    let ax = reductionAxes(axes, "mean")
    let n = ax.reduce(1) { $0 * shape[$1] }
    return sum(alongAxes: ax, keepingDimensions: keepingDimensions) * (1 / Double(n))
  }

  /// Maximum over `axes` (all axes when `nil`). The gradient flows to the first maximum of each
  /// reduced slice, as PyTorch's `max(dim)` indices do.
  public func max(alongAxes axes: [Int]? = nil, keepingDimensions: Bool = false) -> Tensor {
    let ax = reductionAxes(axes, "max")
    // Move the reduced axes last and flatten them, so one pass finds each slice's first maximum.
    let kept = (0..<rank).filter { !ax.contains($0) }
    let moved = ax.isEmpty ? self.detached() : self.detached().permutedRaw(kept + ax)
    let outer = kept.reduce(1) { $0 * shape[$1] }
    let n = ax.reduce(1) { $0 * shape[$1] }
    let (m, idx) = moved.reshapedRaw([outer, n]).reducedAxis(1, .max)
    let value = m.reshapedRaw(reducedShape(ax, keepingDimensions: keepingDimensions))
    let movedShape = moved.shape
    let inverse = Tensor.inversePermutation(kept + ax)
    return Tensor.recorded(value, op: "max", inputs: [self]) { g, _ in
      let gs = g.doubles
      var dense = [Double](repeating: 0, count: outer * n)
      for o in 0..<outer { dense[o * n + Int(idx![o])] = gs[o] }
      let flat = Tensor(shape: movedShape, doubles: dense).converted(to: g.dtype)
      return [ax.isEmpty ? flat : flat.permutedRaw(inverse)]
    }
  }

  /// Variance over `axes`: biased (divide by n) unless `unbiased` (divide by n-1), as
  /// `torch.var(unbiased=)`.
  public func variance(
    alongAxes axes: [Int]? = nil, unbiased: Bool = false, keepingDimensions: Bool = false
  ) -> Tensor {
    let ax = reductionAxes(axes, "variance")
    let n = ax.reduce(1) { $0 * shape[$1] }
    let centred = self - mean(alongAxes: ax, keepingDimensions: true)
    let ss = (centred * centred).sum(alongAxes: ax, keepingDimensions: keepingDimensions)
    return ss * (1 / Double(unbiased ? Swift.max(n - 1, 1) : n))
  }
}
