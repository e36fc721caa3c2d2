// Slicing along one axis (`x[..., start:end:step, ...]`), `narrow`, and selecting one index.

extension Tensor {
  /// The slices `range.lowerBound, +step, ... < range.upperBound` along `axis`, as PyTorch's
  /// `x[..., start:end:step]` (for `[N, C, H, W]` and `axis: 1`, a channel range).
  ///
  /// - Parameters:
  ///   - axis: the axis to slice; negative counts from the end.
  ///   - range: indices along the axis, within `0...shape[axis]` (may be empty).
  ///   - step: a positive stride.
  /// - Returns: the same shape except `ceil(range.count / step)` along `axis`.
  public func slice(axis: Int, range: Range<Int>, step: Int = 1) -> Tensor {
    let a = Shape.axis(axis, rank: rank, "slice")
    precondition(step > 0, "slice: step must be positive, got \(step)")
    precondition(range.lowerBound >= 0 && range.upperBound <= shape[a],
                 "slice: range \(range) is outside 0..<\(shape[a]) of axis \(axis) in \(shape)")
    let sources = Array(Swift.stride(from: range.lowerBound, to: range.upperBound, by: step))
    let length = shape[a]
    let value = gatheredAlongAxis(a, sources: sources)
    return Tensor.recorded(value, op: "slice", inputs: [self]) { g, _ in
      [g.scatterAddedAlongAxis(a, sources: sources, length: length)]
    }
  }

  /// `length` consecutive slices from `start` along `axis` (`torch.narrow`).
  public func narrowed(axis: Int, start: Int, length: Int) -> Tensor {
    slice(axis: axis, range: start..<(start + length))
  }

  /// Slice `index` along `axis`, with that axis removed (`torch.select`, `x[:, i]` for axis 1);
  /// a negative index counts from the end.
  public func selecting(index: Int, axis: Int) -> Tensor {
    let a = Shape.axis(axis, rank: rank, "selecting")
    let i = index < 0 ? index + shape[a] : index
    precondition(i >= 0 && i < shape[a], "selecting: index \(index) is out of range for axis \(axis) of \(shape)")
    var s = shape
    s.remove(at: a)
    return slice(axis: a, range: i..<(i + 1)).reshaped(s)
  }
}
