import Autodiff
import AutodiffTestSupport
import XCTest

/// channelAffine, batchNorm (inference), batchNormTraining and layerNorm.
/// Gradient checks: float64, epsilon 1e-6, atol 1e-6, rtol 1e-5.
final class NormalizationTests: XCTestCase {
  func testChannelAffineGradients() {
    for shape in [[4, 3], [2, 3, 4], [2, 3, 2, 3]] {
      assertGradients("channelAffine \(shape)", [uniform(shape, 1), uniform([3], 2), uniform([3], 3)]) {
        channelAffine($0[0], scale: $0[1], shift: $0[2])
      }
    }
  }

  func testChannelAffineValues() {
    let x = Tensor(shape: [1, 2, 2], doubles: [1, 2, 3, 4])
    let y = channelAffine(x, scale: Tensor(shape: [2], doubles: [10, -1]), shift: Tensor(shape: [2], doubles: [0.5, 1]))
    XCTAssertEqual(y.doubles, [10.5, 20.5, -2, -3])
  }

  func testBatchNormInferenceGradients() {
    // Every input may be tracked, running statistics included (variances kept > 0).
    let x = uniform([2, 3, 4, 4], 4), mean = uniform([3], 5), variance = uniform([3], 6, low: 0.5, high: 2)
    let weight = uniform([3], 7, low: 0.5, high: 1.5), bias = uniform([3], 8)
    assertGradients("batchNorm eval (x, mean, var, weight, bias)", [x, mean, variance, weight, bias]) {
      batchNorm($0[0], runningMean: $0[1], runningVariance: $0[2], weight: $0[3], bias: $0[4])
    }
    assertGradients("batchNorm eval, no affine, rank 2", [uniform([5, 3], 9)]) {
      batchNorm($0[0], runningMean: mean, runningVariance: variance, weight: nil, bias: nil, epsilon: 1e-3)
    }
  }

  func testBatchNormInferenceValues() {
    let x = uniform([2, 3, 2, 2], 10), mean = uniform([3], 11), variance = uniform([3], 12, low: 0.5, high: 2)
    let weight = uniform([3], 13), bias = uniform([3], 14)
    let y = batchNorm(x, runningMean: mean, runningVariance: variance, weight: weight, bias: bias)
    let r = { (t: Tensor) in t.reshaped([1, 3, 1, 1]) }
    let expected = (x - r(mean)) / sqrt(r(variance) + 1e-5) * r(weight) + r(bias)
    assertClose(y, expected, atol: 1e-14, rtol: 1e-14, "batchNorm eval vs formula")
  }

  func testBatchNormTrainingGradients() {
    let mean = Tensor.zeros([3], dtype: .float64), variance = Tensor.ones([3], dtype: .float64)
    let x4 = uniform([3, 3, 3, 2], 15, low: -2, high: 2)
    assertGradients("batchNormTraining [3,3,3,2] (x, weight, bias)",
                    [x4, uniform([3], 16, low: 0.5, high: 1.5), uniform([3], 17)]) {
      batchNormTraining($0[0], runningMean: mean, runningVariance: variance, weight: $0[1], bias: $0[2]).output
    }
    assertGradients("batchNormTraining [6,3] no affine", [uniform([6, 3], 18)]) {
      batchNormTraining($0[0], runningMean: mean, runningVariance: variance, weight: nil, bias: nil).output
    }
    assertGradients("batchNormTraining [2,3,5] (rank 3)", [uniform([2, 3, 5], 19), uniform([3], 20), uniform([3], 21)]) {
      batchNormTraining($0[0], runningMean: mean, runningVariance: variance, weight: $0[1], bias: $0[2]).output
    }
  }

  func testBatchNormTrainingValuesAndRunningStatistics() {
    let x = uniform([4, 2, 3], 22, low: -2, high: 3)
    let rm = Tensor(shape: [2], doubles: [0.5, -0.5]), rv = Tensor(shape: [2], doubles: [2, 0.5])
    let (y, newMean, newVar) = batchNormTraining(
      x, runningMean: rm, runningVariance: rv, weight: nil, bias: nil, momentum: 0.2, epsilon: 1e-5)
    let v = x.doubles
    for ch in 0..<2 {
      var values: [Double] = []
      for n in 0..<4 { for i in 0..<3 { values.append(v[(n * 2 + ch) * 3 + i]) } }
      let m = values.reduce(0, +) / 12
      let ss = values.reduce(0) { $0 + ($1 - m) * ($1 - m) }
      // Normalised with the biased variance; running variance updated with the unbiased one.
      XCTAssertEqual(newMean.doubles[ch], 0.8 * rm.doubles[ch] + 0.2 * m, accuracy: 1e-14)
      XCTAssertEqual(newVar.doubles[ch], 0.8 * rv.doubles[ch] + 0.2 * ss / 11, accuracy: 1e-14)
      for n in 0..<4 {
        for i in 0..<3 {
          let k = (n * 2 + ch) * 3 + i
          XCTAssertEqual(y.doubles[k], (v[k] - m) / (ss / 12 + 1e-5).squareRoot(), accuracy: 1e-13)
        }
      }
    }
  }

  func testLayerNormGradients() {
    let x = uniform([2, 3, 5], 23, low: -2, high: 2)
    assertGradients("layerNorm last dim (x, weight, bias)", [x, uniform([5], 24), uniform([5], 25)]) {
      layerNorm($0[0], weight: $0[1], bias: $0[2])
    }
    assertGradients("layerNorm last 2 dims (x, weight, bias)", [x, uniform([3, 5], 26), uniform([3, 5], 27)]) {
      layerNorm($0[0], normalizedDimensions: 2, weight: $0[1], bias: $0[2])
    }
    assertGradients("layerNorm no affine, eps 1e-6", [x]) {
      layerNorm($0[0], weight: nil, bias: nil, epsilon: 1e-6)
    }
    assertGradients("layerNorm last 2 dims, weight and bias broadcast from [5] and [1]",
                    [x, uniform([5], 28), uniform([1], 29)]) {
      layerNorm($0[0], normalizedDimensions: 2, weight: $0[1], bias: $0[2])
    }
    assertGradients("layerNorm all 3 dims", [x]) { layerNorm($0[0], normalizedDimensions: 3, weight: nil, bias: nil) }
  }

  func testLayerNormValues() {
    let x = Tensor(shape: [2, 2], doubles: [1, 3, -2, 2])
    let y = layerNorm(x, weight: nil, bias: nil, epsilon: 0)
    assertClose(y, Tensor(shape: [2, 2], doubles: [-1, 1, -1, 1]), atol: 1e-15, rtol: 0, "layerNorm ±1")
    let z = layerNorm(x, weight: Tensor(shape: [2], doubles: [2, 3]), bias: Tensor(shape: [2], doubles: [1, 0]), epsilon: 0)
    assertClose(z, Tensor(shape: [2, 2], doubles: [-1, 3, -1, 3]), atol: 1e-15, rtol: 0, "layerNorm affine")
  }

  func testLayerNormMatchesTheComposedFormula() {
    // The one-pass kernel against the formula composed from elementwise ops (what layerNorm was
    // before): float64 within 1e-12, float32 within 1e-5 of float64; rows with a large mean
    // (DINOv2's outlier channels) and an odd width with a tail.
    func formula(_ x: Tensor, _ w: Tensor, _ b: Tensor) -> Tensor {
      let centred = x - x.mean(alongAxes: [-1], keepingDimensions: true)
      let variance = (centred * centred).mean(alongAxes: [-1], keepingDimensions: true)
      return centred / sqrt(variance + 1e-6) * w + b
    }
    for (shape, offset) in [([3, 197, 384], 0.0), ([2, 5, 37], 30.0)] {
      let x = uniform(shape, 40, low: -3, high: 3) + offset
      let w = uniform([shape[2]], 41), b = uniform([shape[2]], 42)
      let expected = formula(x, w, b)
      assertClose(layerNorm(x, weight: w, bias: b, epsilon: 1e-6), expected, atol: 1e-12, rtol: 0,
                  "layerNorm float64 \(shape) offset \(offset)")
      let single = layerNorm(x.converted(to: .float32), weight: w.converted(to: .float32),
                             bias: b.converted(to: .float32), epsilon: 1e-6)
      assertClose(single.converted(to: .float64), expected, atol: 1e-5, rtol: 0,
                  "layerNorm float32 \(shape) offset \(offset)")
    }
  }
}
