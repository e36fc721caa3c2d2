import Autodiff
import AutodiffTestSupport
import XCTest

/// resize: finite-difference gradients (float64) and parity with torch.nn.functional.interpolate
/// (align_corners=False, antialias on/off; float32 fixtures).
final class ResizeTests: XCTestCase {
  func testIdentityAndConstant() {
    let x = Tensor.uniform([1, 2, 5, 6], seed: 1, dtype: .float64)
    for method in ResizeMethod.allCases {
      XCTAssertLessThan(maxAbsDifference(resize(x, to: (5, 6), method: method), x), 1e-12, "\(method)")
    }
    // Interpolation weights sum to 1: a constant image stays constant.
    let c = Tensor(repeating: 0.5, shape: [1, 1, 7, 5], dtype: .float64)
    for method in [ResizeMethod.bilinear, .bicubic] {
      for aa in [false, true] {
        let y = resize(c, to: (3, 11), method: method, antialias: aa)
        XCTAssertLessThan(y.doubles.map { abs($0 - 0.5) }.max()!, 1e-12, "\(method) aa=\(aa)")
      }
    }
  }

  // Linear maps: |analytic - numeric| <= 1e-6 + 1e-5 |numeric| (Double, step 1e-6).
  func testGradients() throws {
    let x = Tensor.uniform([1, 2, 6, 7], low: -1, high: 1, seed: 2, dtype: .float64)
    for method in ResizeMethod.allCases {
      for aa in method == .nearest ? [false] : [false, true] {
        for size in [(9, 11), (3, 4), (4, 12)] {
          try assertGradientsMatch([x]) { resize($0[0], to: size, method: method, antialias: aa) }
        }
      }
    }
  }

  // Reference: torch 2.15 CPU interpolate, float32 (Scripts/fixtures/make_ops_fixtures.py);
  // tolerance |a - b| <= 1e-5 + 1e-5 |b|.
  func testMatchesTorch() throws {
    for method in [ResizeMethod.bilinear, .bicubic] {
      for aa in [false, true] {
        let tag = "resize_\(method.rawValue)\(aa ? "_aa" : "")"
        try assertTorchParity(tag + "_up") { resize($0, to: (9, 12), method: method, antialias: aa) }
        try assertTorchParity(tag + "_down") { resize($0, to: (5, 4), method: method, antialias: aa) }
        try assertTorchParity(tag + "_mixed") { resize($0, to: (6, 17), method: method, antialias: aa) }
      }
    }
    try assertTorchParity("resize_nearest_up") { resize($0, to: (9, 14), method: .nearest) }
    try assertTorchParity("resize_nearest_down") { resize($0, to: (5, 4), method: .nearest) }
    try assertTorchParity("resize_nearest_mixed") { resize($0, to: (7, 26), method: .nearest) }
  }
}
