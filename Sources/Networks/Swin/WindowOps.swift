import Autodiff

// The window bookkeeping of Swin's shifted-window attention on channels-last maps
// `[B, H, W, C]`, as compositions of differentiable ops (slice, concat, reshape, permute).

extension Tensor {
  /// `torch.roll(x, shift, axis)`: element `i` moves to `(i + shift) mod n`.
  func rolled(_ shift: Int, axis: Int) -> Tensor {
    let n = shape[axis]
    let s = ((shift % n) + n) % n
    guard s != 0 else { return self }
    return concat([slice(axis: axis, range: (n - s)..<n), slice(axis: axis, range: 0..<(n - s))], axis: axis)
  }

  /// `[B, H, W, C]` (H, W multiples of `window`) to windows `[B * nW, window², C]`, windows in
  /// row-major order per image.
  func windowPartitioned(_ window: Int) -> Tensor {
    let (b, h, w, c) = (shape[0], shape[1], shape[2], shape[3])
    return reshaped([b, h / window, window, w / window, window, c]).permuted([0, 1, 3, 2, 4, 5])
      .reshaped([b * (h / window) * (w / window), window * window, c])
  }

  /// The inverse of ``windowPartitioned(_:)``: windows back to `[B, height, width, C]`.
  func windowsMerged(_ window: Int, height: Int, width: Int) -> Tensor {
    let c = shape[2]
    let b = shape[0] / ((height / window) * (width / window))
    return reshaped([b, height / window, width / window, window, window, c]).permuted([0, 1, 3, 2, 4, 5])
      .reshaped([b, height, width, c])
  }
}

/// Swin's attention mask for a cyclically shifted `height x width` map (multiples of
/// `window`): `[nW, window², window²]`, 0 where two tokens of a window come from the same
/// region of the unshifted map, -100 elsewhere (the regions are split at `-window` and
/// `-shift` along each axis, as torchvision and timm build them).
func shiftedWindowMask(height: Int, width: Int, window: Int, shift: (Int, Int)) -> Tensor {
  func region(_ i: Int, _ size: Int, _ s: Int) -> Int {
    i < size - window ? 0 : (i < size - s ? 1 : 2)
  }
  let rows = height / window, columns = width / window, n = window * window
  var mask = [Float](repeating: 0, count: rows * columns * n * n)
  var ids = [Int](repeating: 0, count: n)
  for wr in 0..<rows {
    for wc in 0..<columns {
      for a in 0..<window {
        for b in 0..<window {
          ids[a * window + b] = region(wr * window + a, height, shift.0) * 3 + region(wc * window + b, width, shift.1)
        }
      }
      let base = (wr * columns + wc) * n * n
      for i in 0..<n {
        for j in 0..<n where ids[i] != ids[j] { mask[base + i * n + j] = -100 }
      }
    }
  }
  return Tensor(shape: [rows * columns, n, n], scalars: mask)
}

/// Swin's relative position index for a `window x window` window: entry `i * n + j` is the row
/// of `relative_position_bias_table` for tokens `i` and `j` (`n = window²`), as torchvision's
/// `relative_position_index` and timm's `get_relative_position_index`.
func relativePositionIndex(window: Int) -> [Int] {
  let n = window * window
  var index = [Int](repeating: 0, count: n * n)
  for i in 0..<n {
    for j in 0..<n {
      let dy = i / window - j / window + window - 1
      let dx = i % window - j % window + window - 1
      index[i * n + j] = dy * (2 * window - 1) + dx
    }
  }
  return index
}
