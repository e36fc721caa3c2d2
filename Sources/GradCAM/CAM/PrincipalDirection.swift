import Autodiff

/// The first principal direction of a pixels×channels matrix, for Eigen-CAM.
///
/// pytorch-grad-cam centres each channel over the pixels and projects the centred matrix on the
/// first right-singular vector from `numpy.linalg.svd`. A singular vector is defined only up to
/// sign, and LAPACK's choice cannot be predicted (the map may come out inverted, or zeroed by the
/// ReLU: pytorch-grad-cam #364, #270). Here the vector is found in Double by power iteration on
/// the smaller Gram matrix (`XᵀX` or `XXᵀ`, squared a few times to widen the eigenvalue gap), and
/// the **sign is fixed**: the projection must correlate non-negatively with the per-pixel sum of
/// the uncentred input (the map is high where the layer's total activation is high). When that
/// correlation is exactly 0, the largest-magnitude component of the vector is made positive.
/// Where numpy's sign agrees with this convention the map equals pytorch-grad-cam's; otherwise
/// it is the same map with the sign of the projection flipped (tests check both cases).
public enum PrincipalDirection {
  /// The projection (one value per pixel) of `values` (`[channels, pixels]`, channels-first).
  public static func projection(channelsFirst values: [Float], channels: Int, pixels: Int) -> [Float] {
    // Centred matrix X [pixels, channels] in Double; NaN -> 0 as pytorch-grad-cam does.
    var x = [Double](repeating: 0, count: pixels * channels)
    var rowSums = [Double](repeating: 0, count: pixels)
    for k in 0..<channels {
      var mean = 0.0
      for p in 0..<pixels {
        let v = values[k * pixels + p]
        let d = v.isNaN ? 0 : Double(v)
        x[p * channels + k] = d
        mean += d
        rowSums[p] += d
      }
      mean /= Double(pixels)
      for p in 0..<pixels { x[p * channels + k] -= mean }
    }
    let xt = Tensor(shape: [pixels, channels], doubles: x)
    var v: [Double]
    if pixels < channels {
      // Top eigenvector u of X Xᵀ, then v ∝ Xᵀ u.
      let u = topEigenvector(matmul(xt, xt.transposed()).doubles, n: pixels)
      v = matmul(xt.transposed(), Tensor(shape: [pixels, 1], doubles: u)).doubles
    } else {
      v = topEigenvector(matmul(xt.transposed(), xt).doubles, n: channels)
    }
    let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
    if norm > 0 { v = v.map { $0 / norm } }
    var proj = matmul(xt, Tensor(shape: [channels, 1], doubles: v)).doubles
    // Sign convention (see above).
    let correlation = zip(proj, rowSums).reduce(0) { $0 + $1.0 * $1.1 }
    var flip = correlation < 0
    if correlation == 0, let big = v.indices.max(by: { abs(v[$0]) < abs(v[$1]) }) { flip = v[big] < 0 }
    if flip { proj = proj.map { -$0 } }
    return proj.map { Float($0) }
  }

  /// The unit eigenvector of the largest eigenvalue of a symmetric positive semi-definite
  /// `n×n` matrix (row-major), by power iteration on `M^16`.
  public static func topEigenvector(_ m: [Double], n: Int) -> [Double] {
    guard n > 0 else { return [] }
    var mt = Tensor(shape: [n, n], doubles: m)
    for _ in 0..<4 {
      let trace = (0..<n).reduce(0.0) { $0 + mt.doubles[$1 * n + $1] }
      guard trace > 0, trace.isFinite else { break }
      mt = mt * (1 / trace)
      mt = matmul(mt, mt)
    }
    let mm = mt.doubles
    // Deterministic start with every component non-zero.
    var x = (0..<n).map { 1 + 0.01 * Double($0 % 7) }
    var lastChange = Double.infinity
    for _ in 0..<5000 {
      var y = [Double](repeating: 0, count: n)
      for i in 0..<n {
        var s = 0.0
        let row = i * n
        for j in 0..<n { s += mm[row + j] * x[j] }
        y[i] = s
      }
      let norm = y.reduce(0) { $0 + $1 * $1 }.squareRoot()
      guard norm > 0, norm.isFinite else { return x.map { _ in 0 } }
      y = y.map { $0 / norm }
      lastChange = zip(x, y).reduce(0) { Swift.max($0, abs($1.0 - $1.1)) }
      x = y
      if lastChange < 1e-15 { break }
    }
    return x
  }
}
