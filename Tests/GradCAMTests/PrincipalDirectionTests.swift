import GradCAM
import XCTest

/// The Eigen-CAM projection: first principal direction by power iteration, with a fixed sign.
final class PrincipalDirectionTests: XCTestCase {
  /// A rank-one-plus-noise matrix: the projection recovers the planted pixel pattern, scaled by
  /// the planted channel norm, with the sign that correlates with the activation sum.
  func testRecoversAPlantedDirectionWithTheConventionSign() {
    let pixels = 30, channels = 12
    let pattern = (0..<pixels).map { sin(Double($0) * 0.7) }
    let loading = (0..<channels).map { 0.5 + Double($0 % 5) * 0.1 }
    var values = [Float](repeating: 0, count: pixels * channels)
    for k in 0..<channels {
      for p in 0..<pixels {
        values[k * pixels + p] = Float(2 + pattern[p] * loading[k] + 1e-3 * cos(Double(7 * k + 3 * p)))
      }
    }
    let proj = PrincipalDirection.projection(channelsFirst: values, channels: channels, pixels: pixels).map(Double.init)
    let norm = loading.reduce(0) { $0 + $1 * $1 }.squareRoot()
    let meanPattern = pattern.reduce(0, +) / Double(pixels)
    for p in 0..<pixels {
      XCTAssertEqual(proj[p], (pattern[p] - meanPattern) * norm, accuracy: 2e-3)
    }
    // Negating the data flips the projection's data but keeps the convention: it still
    // correlates non-negatively with the per-pixel sums.
    let negated = PrincipalDirection.projection(channelsFirst: values.map { -$0 }, channels: channels, pixels: pixels)
    let sums = (0..<pixels).map { p in (0..<channels).reduce(0.0) { $0 - Double(values[$1 * pixels + p]) } }
    XCTAssertGreaterThanOrEqual(zip(negated, sums).reduce(0) { $0 + Double($1.0) * $1.1 }, 0)
  }

  func testWideAndTallMatricesAgree() {
    // pixels < channels takes the Gram route, pixels >= channels the covariance route.
    let m = PrincipalDirection.topEigenvector([4, 1, 1, 3], n: 2)
    let lambda = (7 + 5.0.squareRoot()) / 2
    XCTAssertEqual(m[1] / m[0], lambda - 4, accuracy: 1e-9)
    var values = [Float]()
    for k in 0..<3 { for p in 0..<5 { values.append(Float((k + 1) * p * p % 7) + Float(k)) } }
    let tall = PrincipalDirection.projection(channelsFirst: values, channels: 3, pixels: 5)
    // Transposed problem: same singular values; check the projection's norm equals σ₁ by
    // comparing with the wide route on a padded copy (extra all-zero channels add nothing).
    var padded = values
    padded += [Float](repeating: 0, count: 5 * 4)
    let wide = PrincipalDirection.projection(channelsFirst: padded, channels: 7, pixels: 5)
    for (a, b) in zip(tall, wide) { XCTAssertEqual(a, b, accuracy: 1e-5) }
  }
}
