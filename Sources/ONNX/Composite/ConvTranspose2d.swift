import Autodiff

// 2-D transposed convolution (PyTorch conv_transpose2d / ONNX ConvTranspose), composed of
// differentiable ops: zeros inserted between input pixels for the stride, the border padded
// for a full correlation, then a stride-1 convolution with the flipped, group-transposed kernel.

/// 2-D transposed convolution (the gradient of `conv2d` with respect to its input).
///
/// - Parameters:
///   - x: input `[N, C, H, W]`.
///   - weight: `[C, O / groups, kH, kW]` (PyTorch and ONNX layout).
///   - bias: `[O]` or nil.
///   - stride, dilation: as in the forward convolution this op transposes.
///   - padding: removed from the full output (top, left, bottom, right: ONNX order).
///   - outputPadding: added to the bottom and right of the output (within one stride).
///   - groups: channel groups.
/// - Returns: `[N, O, (H - 1) * sH - top - bottom + dH * (kH - 1) + 1 + outputPadding.0, ...]`.
public func convTranspose2d(
  _ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: (Int, Int) = (1, 1), padding: [Int] = [0, 0, 0, 0],
  outputPadding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1), groups: Int = 1
) -> Tensor {
  precondition(x.rank == 4 && weight.rank == 4, "convTranspose2d: input \(x.shape) and weight \(weight.shape) must be 4-D")
  let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
  let (cw, og, kh, kw) = (weight.shape[0], weight.shape[1], weight.shape[2], weight.shape[3])
  precondition(groups >= 1 && c % groups == 0 && cw == c, "convTranspose2d: weight \(weight.shape) for input \(x.shape) with \(groups) group(s)")
  precondition(stride.0 >= 1 && stride.1 >= 1 && dilation.0 >= 1 && dilation.1 >= 1 && kh >= 1 && kw >= 1,
               "convTranspose2d: invalid stride \(stride), dilation \(dilation) or kernel \(weight.shape)")
  precondition(padding.count == 4 && padding.allSatisfy { $0 >= 0 } && outputPadding.0 >= 0 && outputPadding.1 >= 0,
               "convTranspose2d: invalid padding \(padding) or output padding \(outputPadding)")
  let outH = (h - 1) * stride.0 - padding[0] - padding[2] + dilation.0 * (kh - 1) + 1 + outputPadding.0
  let outW = (w - 1) * stride.1 - padding[1] - padding[3] + dilation.1 * (kw - 1) + 1 + outputPadding.1
  precondition(outH > 0 && outW > 0 && h > 0 && w > 0, "convTranspose2d: input \(x.shape) gives an empty output")

  // Zeros between the pixels: [N, C, (H - 1) * sH + 1, (W - 1) * sW + 1].
  var y = x
  if stride != (1, 1) {
    y = pad(x.reshaped([n, c, h, 1, w, 1]), [(0, stride.0 - 1), (0, 0), (0, stride.1 - 1)])
      .reshaped([n, c, h * stride.0, w * stride.1])
      .narrowed(axis: 2, start: 0, length: (h - 1) * stride.0 + 1)
      .narrowed(axis: 3, start: 0, length: (w - 1) * stride.1 + 1)
  }
  // Full-correlation borders less the padding (negative: cropped), output padding at the end.
  let before = [dilation.0 * (kh - 1) - padding[0], dilation.1 * (kw - 1) - padding[1]]
  let after = [dilation.0 * (kh - 1) - padding[2] + outputPadding.0, dilation.1 * (kw - 1) - padding[3] + outputPadding.1]
  for axis in 0..<2 {
    let length = y.shape[2 + axis]
    let start = Swift.max(-before[axis], 0), end = length - Swift.max(-after[axis], 0)
    precondition(end > start, "convTranspose2d: padding \(padding) crops the whole input \(x.shape)")
    if start > 0 || end < length { y = y.narrowed(axis: 2 + axis, start: start, length: end - start) }
  }
  let grow = [(Swift.max(before[0], 0), Swift.max(after[0], 0)), (Swift.max(before[1], 0), Swift.max(after[1], 0))]
  if grow.contains(where: { $0.0 > 0 || $0.1 > 0 }) { y = pad(y, grow.map { (before: $0.0, after: $0.1) }) }
  // [C, O/g, kH, kW] -> [O, C/g, kH, kW], flipped in both spatial axes.
  let cg = c / groups
  let kernel = weight.reshaped([groups, cg, og, kh, kw]).permuted([0, 2, 1, 3, 4]).reshaped([groups * og, cg, kh, kw])
    .selecting(indices: Array((0..<kh).reversed()), axis: 2).selecting(indices: Array((0..<kw).reversed()), axis: 3)
  return conv2d(y, weight: kernel, bias: bias, options: Conv2dOptions(stride: (1, 1), padding: (0, 0), dilation: dilation, groups: groups))
}
