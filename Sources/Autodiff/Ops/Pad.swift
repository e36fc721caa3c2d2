// Constant padding of the trailing dimensions (`torch.nn.functional.pad(mode="constant")`).

/// Pads the last `padding.count` dimensions of `x` with `value`.
///
/// Unlike `torch.nn.functional.pad`, whose pairs start at the *last* dimension, `padding` is
/// listed outermost first and aligned to the trailing dimensions: for `[N, C, H, W]`,
/// `pad(x, [(top, bottom), (left, right)])` equals `F.pad(x, (left, right, top, bottom))`.
///
/// - Parameters:
///   - x: any tensor with rank >= `padding.count`.
///   - padding: non-negative `(before, after)` counts per trailing dimension.
///   - value: the fill value (its gradient is not tracked).
/// - Returns: `x` with each padded dimension grown by `before + after`.
public func pad(_ x: Tensor, _ padding: [(before: Int, after: Int)], value: Double = 0) -> Tensor {
  precondition(padding.count <= x.rank, "pad: \(padding.count) padded dimensions for a tensor of rank \(x.rank)")
  precondition(padding.allSatisfy { $0.before >= 0 && $0.after >= 0 }, "pad: padding must be non-negative, got \(padding)")
  let first = x.rank - padding.count
  var padded = x.detached()
  // Each padded axis: the inner part reads the input, the rest is filled.
  var ranges: [(axis: Int, range: Range<Int>, length: Int)] = []
  for (k, p) in padding.enumerated() where p.before > 0 || p.after > 0 {
    let axis = first + k
    let n = x.shape[axis]
    let sources = [Int](repeating: -1, count: p.before) + Array(0..<n) + [Int](repeating: -1, count: p.after)
    padded = padded.gatheredAlongAxis(axis, sources: sources, fill: value)
    ranges.append((axis, p.before..<(p.before + n), n))
  }
  return Tensor.recorded(padded, op: "pad", inputs: [x]) { g, _ in
    var d = g
    for r in ranges { d = d.gatheredAlongAxis(r.axis, sources: Array(r.range)) }
    return [d]
  }
}
