import Autodiff

/// Swin's window attention on channels-last maps `[B, H, W, C]`, as torchvision's
/// `ShiftedWindowAttention` (`qkv`, `proj`, `relative_position_bias_table`): the map is
/// zero-padded at the bottom and right to whole windows, cyclically shifted by `-shift` (no
/// shift along an axis that one window covers), split into windows, and each window attends
/// within itself with a learned relative position bias per head and, when shifted, the mask
/// that keeps tokens of different regions apart; then the windows are merged, shifted back and
/// the padding removed. timm's `WindowAttention` has the same parameters; timm shifts before it
/// pads, which differs only at sizes that are not whole windows.
final class ShiftedWindowAttention: Module {
  let qkv: Linear
  let proj: Linear
  let relativePositionBiasTable: Weight
  let heads: Int, window: Int, shift: Int
  private let index: [Int]

  init(dim: Int, heads: Int, window: Int, shift: Int) {
    qkv = Linear(dim, 3 * dim)
    proj = Linear(dim, dim)
    relativePositionBiasTable = Weight([(2 * window - 1) * (2 * window - 1), heads])
    self.heads = heads
    self.window = window
    self.shift = shift
    index = relativePositionIndex(window: window)
  }

  /// The bias of every head for every pair of tokens of a window: `[1, heads, n, n]`.
  func relativePositionBias() -> Tensor {
    let n = window * window
    let perHead = index.flatMap { row in (0..<heads).map { _ in row } }
    let rows = gather(relativePositionBiasTable.value, axis: 0, indices: perHead, shape: [n * n, heads])
    return rows.reshaped([n, n, heads]).permuted([2, 0, 1]).reshaped([1, heads, n, n])
  }

  override func forward(_ x: Tensor) -> Tensor {
    let (b, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let padH = (window - h % window) % window, padW = (window - w % window) % window
    let t = padH + padW > 0 ? pad(x, [(0, 0), (0, padH), (0, padW), (0, 0)]) : x
    let (ph, pw) = (h + padH, w + padW)
    let s = (window >= ph ? 0 : shift, window >= pw ? 0 : shift)
    // Roll by -shift and window partition in one gather of rows (tokens).
    let order = shiftedWindowOrder(height: ph, width: pw, window: window, shift: s)
    let n = window * window, bw = b * (ph * pw / n)
    let windows = t.reshaped([b, ph * pw, c]).selecting(indices: order, axis: 1).reshaped([bw, n, c])
    // The bias of every head, plus each window's mask when shifted: [1 or nW, heads, n, n].
    var bias = relativePositionBias()
    if s.0 + s.1 > 0 {
      let mask = shiftedWindowMask(height: ph, width: pw, window: window, shift: s).converted(to: x.dtype)
      bias = bias + mask.reshaped([bw / b, 1, n, n])
    }
    let mixed = multiHeadAttention(qkv(windows), heads: heads, scale: 1 / Double(c / heads).squareRoot(), bias: bias)
      .output
    // Merge the windows and roll back: the inverse gather.
    var y = proj(mixed).reshaped([b, ph * pw, c]).selecting(indices: inversePermutation(order), axis: 1)
      .reshaped([b, ph, pw, c])
    if padH + padW > 0 { y = y.slice(axis: 1, range: 0..<h).slice(axis: 2, range: 0..<w) }
    return y
  }
}
