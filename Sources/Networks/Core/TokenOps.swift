import Autodiff

// Small token-sequence helpers for `[B, N, D]` tensors, named for what the ViT code means.

extension Tensor {
  /// Token `i` of every sequence: `x[:, i]` -> `[B, D]`.
  func token(_ i: Int) -> Tensor { selecting(index: i, axis: 1) }
  /// Tokens from `start` on: `x[:, start:]`.
  func tokens(from start: Int) -> Tensor { slice(axis: 1, range: start..<shape[1]) }
  /// Tokens in `range`: `x[:, range]`.
  func tokenRange(_ range: Range<Int>) -> Tensor { slice(axis: 1, range: range) }
  /// Entry `i` of the first axis, removed: `x[i]`.
  func first(_ i: Int) -> Tensor { selecting(index: i, axis: 0) }
}

/// Concatenates token sequences along the token axis.
func concatTokens(_ parts: [Tensor]) -> Tensor { parts.count == 1 ? parts[0] : concat(parts, axis: 1) }

/// Concatenates feature vectors `[B, D_i]` along the last axis.
func concatFeatures(_ parts: [Tensor]) -> Tensor { parts.count == 1 ? parts[0] : concat(parts, axis: -1) }

/// `[a0, b0, a1, b1, ...]` from two `[B, D]` tensors (DINO's cat-on-new-axis then reshape).
func interleave(_ a: Tensor, _ b: Tensor) -> Tensor {
  stack([a, b], axis: -1).reshaped([a.shape[0], a.shape[1] * 2])
}

/// timm's `resample_abs_pos_embed`: bicubic, antialias on, to an explicit size.
func resizeBicubicAntialiased(_ x: Tensor, rows: Int, columns: Int) -> Tensor {
  resize(x, to: (rows, columns), method: .bicubic, antialias: true)
}
