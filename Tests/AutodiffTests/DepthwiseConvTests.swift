import Autodiff
import CKernels
import XCTest

/// The float32 depthwise kernel (Sources/CKernels/depthwise_conv.c): forward, input gradient and
/// weight gradient of every option EfficientNet and MobileNet use (3x3 and 5x5, stride 1 and 2,
/// symmetric and TensorFlow-"same" asymmetric padding, rows shorter and longer than a vector
/// block, odd sizes) on both its AVX2 and its portable path, against a direct float64 reference
/// (`DepthwiseReference`), whose own gradients are checked by float64 finite differences.
///
/// Tolerance: |kernel - reference| <= 1e-6 * sum |terms| + 1e-12, where sum |terms| is the sum of
/// the absolute products the element adds up (float32 accumulation of up to a few thousand terms
/// errs by well under 1e-6 of that sum).
final class DepthwiseConvTests: XCTestCase {
  /// The geometries tested: input, kernel, stride, top and left padding, output size.
  static let geometries: [DepthwiseReference.Geometry] = [
    .init(inH: 5, inW: 6, kH: 3, kW: 3, strideH: 1, strideW: 1, padTop: 1, padLeft: 1, outH: 5, outW: 6),
    .init(inH: 17, inW: 37, kH: 3, kW: 3, strideH: 1, strideW: 1, padTop: 1, padLeft: 1, outH: 17, outW: 37),
    .init(inH: 14, inW: 14, kH: 3, kW: 3, strideH: 2, strideW: 2, padTop: 0, padLeft: 0, outH: 7, outW: 7),  // TF same (0, 1)
    .init(inH: 15, inW: 15, kH: 3, kW: 3, strideH: 2, strideW: 2, padTop: 1, padLeft: 1, outH: 8, outW: 8),  // TF same odd (1, 1)
    .init(inH: 56, inW: 56, kH: 3, kW: 3, strideH: 2, strideW: 2, padTop: 1, padLeft: 1, outH: 28, outW: 28),  // torchvision
    .init(inH: 12, inW: 45, kH: 5, kW: 5, strideH: 1, strideW: 1, padTop: 2, padLeft: 2, outH: 12, outW: 45),
    .init(inH: 28, inW: 28, kH: 5, kW: 5, strideH: 2, strideW: 2, padTop: 1, padLeft: 1, outH: 14, outW: 14),  // TF same (1, 2)
    .init(inH: 9, inW: 11, kH: 5, kW: 5, strideH: 2, strideW: 2, padTop: 2, padLeft: 2, outH: 5, outW: 6),
    .init(inH: 7, inW: 7, kH: 5, kW: 5, strideH: 1, strideW: 1, padTop: 2, padLeft: 2, outH: 7, outW: 7),
    .init(inH: 8, inW: 70, kH: 3, kW: 5, strideH: 1, strideW: 2, padTop: 0, padLeft: 3, outH: 6, outW: 36),  // mixed
    .init(inH: 6, inW: 6, kH: 3, kW: 3, strideH: 1, strideW: 1, padTop: 0, padLeft: 0, outH: 4, outW: 4),  // no padding
    .init(inH: 10, inW: 10, kH: 3, kW: 3, strideH: 3, strideW: 3, padTop: 0, padLeft: 0, outH: 3, outW: 3),  // rows never read
  ]

  func testKernelMatchesFloat64Reference() {
    for (index, geometry) in Self.geometries.enumerated() {
      for portable in [false, true] {
        var rng = SplitMix64(seed: UInt64(100 + index))
        let x = (0..<geometry.inH * geometry.inW).map { _ in Float(rng.nextUnit() * 2 - 1) }
        let w = (0..<geometry.kH * geometry.kW).map { _ in Float(rng.nextUnit() * 2 - 1) }
        let g = (0..<geometry.outH * geometry.outW).map { _ in Float(rng.nextUnit() * 2 - 1) }
        let bias = Float(rng.nextUnit() - 0.5)
        let reference = DepthwiseReference(geometry, x: x.map(Double.init), w: w.map(Double.init))
        var plane = geometry.kernel
        plane.portable = portable ? 1 : 0
        let label = "\(geometry) \(portable ? "portable" : "vector")"

        var out = [Float](repeating: .nan, count: g.count)
        ck_depthwise_forward(&plane, x, w, bias, &out)
        let (y, yScale) = reference.forward(bias: Double(bias))
        assertWithinRounding(out, y, yScale, "forward \(label)")

        var dx = [Float](repeating: .nan, count: x.count)
        ck_depthwise_input_grad(&plane, g, w, &dx)
        let (dxRef, dxScale) = reference.inputGradient(g.map(Double.init))
        assertWithinRounding(dx, dxRef, dxScale, "input gradient \(label)")

        // Accumulates: start from 1 and subtract it afterwards.
        var dw = [Float](repeating: 1, count: w.count)
        ck_depthwise_weight_grad(&plane, g, x, &dw)
        let (dwRef, dwScale) = reference.weightGradient(g.map(Double.init))
        assertWithinRounding(dw.map { $0 - 1 }, dwRef, dwScale.map { $0 + 1 }, "weight gradient \(label)")
      }
    }
  }

  /// The reference's gradients against central finite differences of its own forward pass
  /// (float64, step 1e-6; the map is linear, so the only error is rounding: 1e-7 absolute).
  func testReferenceGradientsAgainstFiniteDifferences() {
    for (index, geometry) in Self.geometries.enumerated() where geometry.inH * geometry.inW <= 300 {
      var rng = SplitMix64(seed: UInt64(200 + index))
      let x = (0..<geometry.inH * geometry.inW).map { _ in rng.nextUnit() * 2 - 1 }
      let w = (0..<geometry.kH * geometry.kW).map { _ in rng.nextUnit() * 2 - 1 }
      let r = (0..<geometry.outH * geometry.outW).map { _ in rng.nextUnit() * 2 - 1 }
      func loss(_ x: [Double], _ w: [Double]) -> Double {
        zip(DepthwiseReference(geometry, x: x, w: w).forward(bias: 0).values, r).map { $0 * $1 }.reduce(0, +)
      }
      let reference = DepthwiseReference(geometry, x: x, w: w)
      let dx = reference.inputGradient(r).values, dw = reference.weightGradient(r).values
      let eps = 1e-6
      for e in x.indices {
        var plus = x, minus = x
        plus[e] += eps
        minus[e] -= eps
        XCTAssertEqual(dx[e], (loss(plus, w) - loss(minus, w)) / (2 * eps), accuracy: 1e-7, "dx[\(e)] \(geometry)")
      }
      for e in w.indices {
        var plus = w, minus = w
        plus[e] += eps
        minus[e] -= eps
        XCTAssertEqual(dw[e], (loss(x, plus) - loss(x, minus)) / (2 * eps), accuracy: 1e-7, "dw[\(e)] \(geometry)")
      }
    }
  }

  /// Through conv2d (float32, the C kernel) against conv2d in float64 (the Swift loops, checked by
  /// finite differences in Conv2dTests): forward with bias, residual and ReLU, and the gradients
  /// of input, weight and bias; TF-"same" padding as pad + conv2d. Batch 2, 6 channels.
  /// Tolerance: 1e-5 absolute + 1e-5 relative (values of order 1, at most 2 x 28 x 28 terms).
  func testConv2dFloat32MatchesFloat64() throws {
    let cases: [(size: Int, k: Int, stride: Int, pad: [(before: Int, after: Int)], padding: Int)] = [
      (19, 3, 1, [], 1), (28, 3, 2, [(0, 1), (0, 1)], 0), (28, 5, 2, [(1, 2), (1, 2)], 0), (14, 5, 1, [], 2), (13, 3, 2, [], 1),
    ]
    for (i, cfg) in cases.enumerated() {
      let options = Conv2dOptions(stride: cfg.stride, padding: cfg.padding, groups: 6)
      let x = Tensor.uniform([2, 6, cfg.size, cfg.size], low: -1, high: 1, seed: UInt64(300 + i), dtype: .float64)
      let w = Tensor.uniform([6, 1, cfg.k, cfg.k], low: -1, high: 1, seed: UInt64(400 + i), dtype: .float64)
      let b = Tensor.uniform([6], low: -1, high: 1, seed: UInt64(500 + i), dtype: .float64)
      func run(_ dtype: DType, fused: Bool) throws -> [Tensor] {
        let inputs = [x, w, b].map { $0.converted(to: dtype).tracked() }
        let padded = cfg.pad.isEmpty ? inputs[0] : pad(inputs[0], cfg.pad)
        var y = conv2d(padded, weight: inputs[1], bias: inputs[2], options: options)
        if fused {
          let residual = Tensor.uniform(y.shape, low: -1, high: 1, seed: UInt64(600 + i), dtype: dtype)
          y = conv2d(padded, weight: inputs[1], bias: inputs[2], options: options, residual: residual, activation: .relu)
        }
        let r = Tensor.uniform(y.shape, low: -1, high: 1, seed: UInt64(700 + i), dtype: dtype)
        return [y.detached()] + (try gradients(of: (y * r).sum(), wrt: inputs))
      }
      for fused in [false, true] {
        let single = try run(.float32, fused: fused), double = try run(.float64, fused: fused)
        for (name, (a, e)) in zip(["y", "dx", "dw", "db"], zip(single, double)) {
          XCTAssertEqual(a.dtype, .float32)
          XCTAssertEqual(a.shape, e.shape)
          let worst = zip(a.doubles, e.doubles).map { abs($0 - $1) / (1e-5 + 1e-5 * abs($1)) }.max() ?? 0
          XCTAssertLessThanOrEqual(worst, 1, "\(name) case \(i) fused \(fused)")
        }
      }
    }
  }

  private func assertWithinRounding(
    _ actual: [Float], _ expected: [Double], _ scale: [Double], _ label: String,
    file: StaticString = #filePath, line: UInt = #line
  ) {
    XCTAssertEqual(actual.count, expected.count, label, file: file, line: line)
    var worst = 0.0
    for (a, (e, s)) in zip(actual, zip(expected, scale)) {
      worst = max(worst, abs(Double(a) - e) / (1e-6 * s + 1e-12))
    }
    XCTAssertLessThanOrEqual(worst, 1, "\(label): worst error \(worst) of the tolerance", file: file, line: line)
  }
}

/// A direct float64 depthwise convolution of one plane with explicit top/left padding (the
/// bottom/right padding follows from the output size), and its gradients written out from the
/// definition. Each result comes with the sum of the absolute terms of every element.
struct DepthwiseReference {
  struct Geometry: CustomStringConvertible {
    var inH: Int, inW: Int, kH: Int, kW: Int, strideH: Int, strideW: Int, padTop: Int, padLeft: Int, outH: Int, outW: Int

    var kernel: ck_depthwise {
      ck_depthwise(inH: inH, inW: inW, kH: kH, kW: kW, strideH: strideH, strideW: strideW,
                   padTop: padTop, padLeft: padLeft, outH: outH, outW: outW, portable: 0)
    }

    var description: String {
      "\(inH)x\(inW) k\(kH)x\(kW) s\(strideH)x\(strideW) pad(\(padTop),\(padLeft)) out \(outH)x\(outW)"
    }
  }

  let g: Geometry
  let x: [Double], w: [Double]

  init(_ g: Geometry, x: [Double], w: [Double]) {
    self.g = g
    self.x = x
    self.w = w
  }

  /// Calls body(output index, input index, tap) for every in-image tap.
  private func forEachTap(_ body: (Int, Int, Int) -> Void) {
    for oh in 0..<g.outH {
      for ow in 0..<g.outW {
        for i in 0..<g.kH {
          for j in 0..<g.kW {
            let ih = oh * g.strideH - g.padTop + i, iw = ow * g.strideW - g.padLeft + j
            if ih >= 0 && ih < g.inH && iw >= 0 && iw < g.inW { body(oh * g.outW + ow, ih * g.inW + iw, i * g.kW + j) }
          }
        }
      }
    }
  }

  func forward(bias: Double) -> (values: [Double], scale: [Double]) {
    var y = [Double](repeating: bias, count: g.outH * g.outW), s = [Double](repeating: abs(bias), count: y.count)
    forEachTap { o, i, t in
      y[o] += x[i] * w[t]
      s[o] += abs(x[i] * w[t])
    }
    return (y, s)
  }

  func inputGradient(_ gout: [Double]) -> (values: [Double], scale: [Double]) {
    var dx = [Double](repeating: 0, count: x.count), s = dx
    forEachTap { o, i, t in
      dx[i] += gout[o] * w[t]
      s[i] += abs(gout[o] * w[t])
    }
    return (dx, s)
  }

  func weightGradient(_ gout: [Double]) -> (values: [Double], scale: [Double]) {
    var dw = [Double](repeating: 0, count: w.count), s = dw
    forEachTap { o, i, t in
      dw[t] += gout[o] * x[i]
      s[t] += abs(gout[o] * x[i])
    }
    return (dw, s)
  }
}
