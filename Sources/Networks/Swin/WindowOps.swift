import Autodiff

// The window bookkeeping of Swin's shifted-window attention on channels-last maps
// `[B, H, W, C]`: token orders for one differentiable row gather, the mask and bias indices.

/// Where each token of Swin's windows comes from: for the `height x width` map cyclically
/// shifted by `-shift` (`torch.roll(x, (-shift.0, -shift.1), (1, 2))`) and cut into `window x
/// window` windows (row-major, tokens row-major in each, as `window_partition`), entry `p` is the
/// row-major position in the unshifted map of window token `p`. Rolling and partitioning is then
/// one row gather (`selecting(indices:axis:)` on `[B, H * W, C]`), and merging the windows and
/// rolling back is the gather by the inverse permutation (``inversePermutation(_:)``).
func shiftedWindowOrder(height: Int, width: Int, window: Int, shift: (Int, Int)) -> [Int] {
  let columns = width / window
  var order = [Int](repeating: 0, count: height * width)
  for wr in 0..<(height / window) {
    for wc in 0..<columns {
      for a in 0..<window {
        for b in 0..<window {
          let p = ((wr * columns + wc) * window + a) * window + b
          order[p] = ((wr * window + a + shift.0) % height) * width + (wc * window + b + shift.1) % width
        }
      }
    }
  }
  return order
}

/// `inverse[order[p]] = p`.
func inversePermutation(_ order: [Int]) -> [Int] {
  var inverse = [Int](repeating: 0, count: order.count)
  for (p, q) in order.enumerated() { inverse[q] = p }
  return inverse
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
