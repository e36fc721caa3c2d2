import Autodiff
import Networks

/// How a layer's output becomes channels-first feature maps `[B, C, h, w]`.
///
/// Convolutional outputs are used as they are. Vision Transformer token sequences `[B, N, D]`
/// lose their prefix tokens (class token and registers, ``VisionTransformer/prefixTokenCount``)
/// and the patch tokens are laid out row-major on the model's patch grid for the input size
/// (``VisionTransformer/tokenGrid(height:width:)``): patch `p` goes to row `p / w`, column
/// `p % w`, as pytorch-grad-cam's `vit_reshape_transform` but with the grid and prefix derived
/// from the model instead of a hard-coded 14×14 and one token.
public struct TokenGrid: Sendable, Equatable {
  /// Tokens before the patch tokens.
  public let prefixTokens: Int
  /// Patch grid rows and columns.
  public let rows: Int, columns: Int

  /// Creates a layout.
  public init(prefixTokens: Int, rows: Int, columns: Int) {
    self.prefixTokens = prefixTokens
    self.rows = rows
    self.columns = columns
  }

  /// The layout of `model`'s tokens for an input of this size, or nil for non-transformers.
  public static func of(_ model: ImageClassifier, height: Int, width: Int) -> TokenGrid? {
    guard let layout = (model as? TokenLayoutProviding)?.tokenLayout(height: height, width: width) else { return nil }
    return TokenGrid(prefixTokens: layout.prefixTokens, rows: layout.rows, columns: layout.columns)
  }

  /// Tokens `[B, N, D]` as maps `[B, D, rows, columns]` (values only, no graph).
  public func featureMaps(_ tokens: Tensor, layer: String) throws -> FeatureMaps {
    guard tokens.rank == 3 else {
      throw CAMError.invalidInput("layer '\(layer)' outputs shape \(tokens.shape), not tokens [B, N, D]")
    }
    let (b, n, d) = (tokens.shape[0], tokens.shape[1], tokens.shape[2])
    guard n == prefixTokens + rows * columns else {
      throw CAMError.invalidInput(
        "layer '\(layer)' has \(n) tokens; the model's layout is \(prefixTokens) prefix + \(rows)x\(columns) patches")
    }
    let src = tokens.detached().converted(to: .float32).scalars
    var out = [Float](repeating: 0, count: b * d * rows * columns)
    let hw = rows * columns
    for i in 0..<b {
      for p in 0..<hw {
        let s = (i * n + prefixTokens + p) * d
        for c in 0..<d { out[(i * d + c) * hw + p] = src[s + c] }
      }
    }
    return FeatureMaps(batch: b, channels: d, height: rows, width: columns, values: out)
  }
}
