import Autodiff
import AutodiffTestSupport
import XCTest

/// Convolutions with small output planes and large weights run all images of a batch as one
/// product (ConvPlan.batchesImages): the same values as image by image and as the float64
/// convolution (BLAS, image by image), for ResNet-50's small-plane shapes (pointwise, 3x3 padded,
/// 1x1 and 3x3 stride 2), with bias, residual and ReLU fused, and weights packed or not.
/// Tolerance: 1e-5 relative to the output's largest magnitude (float32 sums over up to 2304
/// terms; the last strip of columns may sum in another order, sgemm_avx512.c's narrow strips).
final class ConvBatchedImagesTests: XCTestCase {
  private struct Shape {
    var channels: Int, size: Int, out: Int, kernel: Int, stride: Int
    var padding: Int { kernel / 2 }
  }

  func testBatchedEqualsImageByImageAndFloat64() throws {
    let shapes = [
      Shape(channels: 256, size: 7, out: 512, kernel: 1, stride: 1),   // pointwise at 7x7
      Shape(channels: 256, size: 7, out: 256, kernel: 3, stride: 1),   // 3x3 at 7x7
      Shape(channels: 512, size: 14, out: 256, kernel: 1, stride: 2),  // downsample to 7x7
      Shape(channels: 128, size: 14, out: 128, kernel: 3, stride: 2),  // 3x3 stride 2 to 7x7
      Shape(channels: 128, size: 13, out: 512, kernel: 1, stride: 1),  // odd plane (169 = 5 x 32 + 9)
    ]
    var seed: UInt64 = 1
    for s in shapes {
      for (batch, fused, packing) in [(3, false, false), (2, true, true), (5, true, false)] {
        seed += 10
        let options = Conv2dOptions(stride: s.stride, padding: s.padding)
        let x = Tensor.uniform([batch, s.channels, s.size, s.size], low: -1, high: 1, seed: seed)
        let w = Tensor.uniform([s.out, s.channels, s.kernel, s.kernel], low: -0.1, high: 0.1, seed: seed + 1)
        let b = Tensor.uniform([s.out], low: -1, high: 1, seed: seed + 2)
        let outSize = (s.size + 2 * s.padding - s.kernel) / s.stride + 1
        let identity = fused ? Tensor.uniform([batch, s.out, outSize, outSize], low: -1, high: 1, seed: seed + 3) : nil
        let packed = packing ? PackedWeights(convolutionWeight: w) : nil
        let activation: FusedActivation = fused ? .relu : .none
        let batched = conv2d(x, weight: w, bias: b, options: options, residual: identity, activation: activation, packedWeight: packed)
        let single = concat((0..<batch).map { i in
          conv2d(x.slice(axis: 0, range: i..<(i + 1)), weight: w, bias: b, options: options,
                 residual: identity?.slice(axis: 0, range: i..<(i + 1)), activation: activation, packedWeight: packed)
        }, axis: 0)
        let reference = conv2d(x.converted(to: .float64), weight: w.converted(to: .float64), bias: b.converted(to: .float64),
                               options: options, residual: identity?.converted(to: .float64), activation: activation)
        let scale = reference.doubles.map(abs).max() ?? 1
        let label = "\(s), batch \(batch), fused \(fused), packed \(packing)"
        XCTAssertEqual(batched.shape, [batch, s.out, outSize, outSize], label)
        XCTAssertLessThanOrEqual(maxAbsDifference(batched, single) / scale, 1e-5, label)
        XCTAssertLessThanOrEqual(maxAbsDifference(batched, reference) / scale, 1e-5, label)
      }
    }
  }
}
