/// A classifier with transformer layers: outputs `[B, N, D]` whose tokens after a few prefix
/// tokens (class token, registers) lie on a patch grid, and attention probabilities for rollout.
public protocol TokenLayoutProviding: ImageClassifier {
  /// Prefix tokens and the patch grid (rows, columns) for an input of this size, or nil when the
  /// model has no token layers.
  func tokenLayout(height: Int, width: Int) -> (prefixTokens: Int, rows: Int, columns: Int)?
}

extension VisionTransformer: TokenLayoutProviding {
  public func tokenLayout(height: Int, width: Int) -> (prefixTokens: Int, rows: Int, columns: Int)? {
    let grid = tokenGrid(height: height, width: width)
    return (prefixTokenCount, grid.rows, grid.columns)
  }
}
