import Autodiff
import AutodiffTestSupport
import XCTest

/// maxPool2d, avgPool2d, adaptiveAvgPool2d: finite-difference gradients (float64) and parity with
/// torch.nn.functional.max_pool2d / avg_pool2d / adaptive_avg_pool2d (float32 fixtures).
final class PoolingTests: XCTestCase {
  func testOutputShapes() {
    let x = Tensor.zeros([2, 3, 7, 9])
    XCTAssertEqual(maxPool2d(x, kernel: 3, stride: 2, padding: 1).shape, [2, 3, 4, 5])
    XCTAssertEqual(maxPool2d(x, kernel: 2).shape, [2, 3, 3, 4])
    XCTAssertEqual(maxPool2d(x, kernel: 2, ceilMode: true).shape, [2, 3, 4, 5])
    XCTAssertEqual(avgPool2d(x, kernel: (3, 2), stride: (2, 3), padding: (1, 1), ceilMode: true).shape, [2, 3, 4, 4])
    XCTAssertEqual(adaptiveAvgPool2d(x, outputSize: (3, 4)).shape, [2, 3, 3, 4])
  }

  func testMaxPoolValuesAndGradientGoToFirstMaximum() throws {
    // One 2x2 window over [[1, 3], [3, 2]]: the first 3 in scan order gets the gradient.
    let x = Tensor(shape: [1, 1, 2, 2], doubles: [1, 3, 3, 2]).tracked()
    let y = maxPool2d(x, kernel: 2)
    XCTAssertEqual(y.doubles, [3])
    XCTAssertEqual(try gradients(of: y.sum(), wrt: [x])[0].doubles, [0, 1, 0, 0])
  }

  func testMaxPoolPropagatesNaNLikeTorch() throws {
    // PyTorch's kernel takes `val > max || isnan(val)`: a NaN wins its window and gets the gradient.
    let x = Tensor(shape: [1, 1, 2, 2], doubles: [1, .nan, 3, 2]).tracked()
    let y = maxPool2d(x, kernel: 2)
    XCTAssertTrue(y.doubles[0].isNaN)
    XCTAssertEqual(try gradients(of: y.sum(), wrt: [x])[0].doubles, [0, 1, 0, 0])
  }

  // Inference takes a separate kernel (no argmax, separable passes): it must give exactly the
  // recorded path's values, NaN and infinities included, in every geometry torch's tests use.
  func testUnrecordedMaxPoolEqualsRecordedPath() {
    var x = Tensor.uniform([2, 3, 9, 37], low: -1, high: 1, seed: 5, dtype: .float32)
    var values = x.scalars
    values[7] = .nan; values[40] = -.infinity; values[41] = .infinity; values[200] = .nan
    x = Tensor(shape: x.shape, scalars: values)
    let cases: [(String, (Tensor) -> Tensor)] = [
      ("k3s2p1", { maxPool2d($0, kernel: 3, stride: 2, padding: 1) }),
      ("dilated ceil", { maxPool2d($0, kernel: (2, 3), stride: (2, 1), padding: (1, 0), dilation: (2, 1), ceilMode: true) }),
      ("k2 ceil", { maxPool2d($0, kernel: 2, ceilMode: true) }),
      ("dilated2 ceil", { maxPool2d($0, kernel: (3, 3), stride: (1, 2), padding: (1, 1), dilation: (2, 2), ceilMode: true) }),
      ("k3s2 ceil pad", { maxPool2d($0, kernel: 3, stride: 2, padding: 1, ceilMode: true) }),
      ("k1", { maxPool2d($0, kernel: 1) }),
    ]
    for (name, pool) in cases {
      let recorded = pool(x.tracked()).scalars
      let plain = withoutGradients { pool(x) }.scalars
      XCTAssertEqual(plain.count, recorded.count, name)
      for (a, b) in zip(plain, recorded) {
        XCTAssertTrue(a == b || (a.isNaN && b.isNaN), "\(name): \(a) vs \(b)")
      }
    }
  }

  // Tolerances: Double central differences with step 1e-6; inputs are >= 0.01 apart so no window
  // has a tie within the step: |analytic - numeric| <= 1e-6 + 1e-5 |numeric|.
  func testMaxPoolGradients() throws {
    let x = distinctValues([2, 2, 7, 8], seed: 1)
    try assertGradientsMatch([x]) { maxPool2d($0[0], kernel: 3, stride: 2, padding: 1) }
    try assertGradientsMatch([x]) {
      maxPool2d($0[0], kernel: (2, 3), stride: (2, 1), padding: (1, 0), dilation: (2, 1), ceilMode: true)
    }
    try assertGradientsMatch([x]) { maxPool2d($0[0], kernel: 3, stride: 1, padding: 1) }  // overlapping
  }

  func testAveragePoolGradients() throws {
    let x = Tensor.uniform([2, 2, 7, 9], low: -1, high: 1, seed: 2, dtype: .float64)
    for cip in [true, false] {
      try assertGradientsMatch([x]) { avgPool2d($0[0], kernel: 3, stride: 2, padding: 1, countIncludePad: cip) }
      try assertGradientsMatch([x]) {
        avgPool2d($0[0], kernel: (3, 2), stride: (2, 3), padding: (1, 1), ceilMode: true, countIncludePad: cip)
      }
    }
    try assertGradientsMatch([x]) { adaptiveAvgPool2d($0[0], outputSize: (3, 4)) }
    try assertGradientsMatch([x]) { adaptiveAvgPool2d($0[0], outputSize: (10, 11)) }
  }

  // Reference: torch 2.15 CPU, float32 (Scripts/fixtures/make_ops_fixtures.py);
  // tolerance |a - b| <= 1e-5 + 1e-5 |b| on outputs and input gradients.
  func testMaxPoolMatchesTorch() throws {
    try assertTorchParity("maxpool_k3s2p1") { maxPool2d($0, kernel: 3, stride: 2, padding: 1) }
    try assertTorchParity("maxpool_dilated_ceil") {
      maxPool2d($0, kernel: (2, 3), stride: (2, 1), padding: (1, 0), dilation: (2, 1), ceilMode: true)
    }
    try assertTorchParity("maxpool_k2_ceil") { maxPool2d($0, kernel: 2, ceilMode: true) }
    try assertTorchParity("maxpool_dilated2_ceil") {
      maxPool2d($0, kernel: (3, 3), stride: (1, 2), padding: (1, 1), dilation: (2, 2), ceilMode: true)
    }
    try assertTorchParity("maxpool_k3s2_ceil_pad") { maxPool2d($0, kernel: 3, stride: 2, padding: 1, ceilMode: true) }
    // Integer inputs with many ties: the gradient must land where torch's indices point.
    try assertTorchParity("maxpool_ties") { maxPool2d($0, kernel: 3, stride: 1, padding: 1) }
  }

  func testAveragePoolMatchesTorch() throws {
    try assertTorchParity("avgpool_k3s2p1") { avgPool2d($0, kernel: 3, stride: 2, padding: 1) }
    try assertTorchParity("avgpool_k3s2p1_nopad") {
      avgPool2d($0, kernel: 3, stride: 2, padding: 1, countIncludePad: false)
    }
    try assertTorchParity("avgpool_ceil") {
      avgPool2d($0, kernel: (3, 2), stride: (2, 3), padding: (1, 1), ceilMode: true)
    }
    try assertTorchParity("avgpool_ceil_nopad") {
      avgPool2d($0, kernel: (3, 2), stride: (2, 3), padding: (1, 1), ceilMode: true, countIncludePad: false)
    }
    try assertTorchParity("avgpool_k2_ceil") { avgPool2d($0, kernel: 2, ceilMode: true) }
    // The last row window overhangs the padded input: divisor 2 with padding counted, 1 without.
    try assertTorchParity("avgpool_overhang") { avgPool2d($0, kernel: 3, stride: 2, padding: 1, ceilMode: true) }
    try assertTorchParity("avgpool_overhang_nopad") {
      avgPool2d($0, kernel: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false)
    }
  }

  func testAdaptivePoolMatchesTorch() throws {
    try assertTorchParity("adaptive_7x9_3x4") { adaptiveAvgPool2d($0, outputSize: (3, 4)) }
    try assertTorchParity("adaptive_10x7_4x3") { adaptiveAvgPool2d($0, outputSize: (4, 3)) }
    try assertTorchParity("adaptive_3x5_5x7") { adaptiveAvgPool2d($0, outputSize: (5, 7)) }
    try assertTorchParity("adaptive_7x9_1x1") { adaptiveAvgPool2d($0, outputSize: (1, 1)) }
  }

  func testFloat32AndFloat64Agree() {
    let x = Tensor.uniform([1, 2, 9, 6], seed: 3, dtype: .float64)
    let a = avgPool2d(x, kernel: 3, stride: 2, padding: 1, ceilMode: true)
    let b = avgPool2d(x.converted(to: .float32), kernel: 3, stride: 2, padding: 1, ceilMode: true)
    XCTAssertLessThan(maxAbsDifference(a, b), 1e-6)
  }
}
