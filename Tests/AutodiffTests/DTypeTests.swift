import Autodiff
import AutodiffTestSupport
import XCTest

/// Every op keeps its element type, forward and backward: float32 in gives float32 out and
/// float32 gradients, float64 likewise. (`gradients` checks the shape of each rule's result but
/// not its type, and a rule returning the wrong type would only fail later, when two gradients
/// of different types meet.)
final class DTypeTests: XCTestCase {
  /// One function per op family, of a [2, 3, 4, 4] input and a few weights.
  static let ops: [(String, ([Tensor]) -> Tensor)] = [
    ("arithmetic", { x in (x[0] * x[1].reshaped([1, 3, 1, 1]) - x[0] / 2.0 + 1.0) / (x[1].reshaped([1, 3, 1, 1]) + 3.0) }),
    ("negate, 2 - x, 3 / x", { x in -x[0] + (2.0 - x[0]) + 3.0 / (x[0] + 5.0) }),
    ("exp log sqrt pow", { x in exp(x[0]) + log(x[0] + 5.0) + sqrt(x[0] + 5.0) + pow(x[0], 3) + pow(x[0] + 5.0, x[0]) }),
    ("activations", { x in tanh(x[0]) + sigmoid(x[0]) + relu(x[0]) + gelu(x[0]) }),
    ("softmax", { x in softmax(x[0], axis: 1) + logSoftmax(x[0], axis: -1) }),
    ("reductions", { x in x[0].sum(alongAxes: [1]) + x[0].mean(alongAxes: [1]) + x[0].max(alongAxes: [1])
        + x[0].variance(alongAxes: [1]) }),
    ("shape ops", { x in x[0].permuted([0, 2, 3, 1]).reshaped([2, 16, 3]).transposed().flattened(from: 1)
        .expandingShape(at: 0).squeezingShape(at: 0) }),
    ("broadcast", { x in x[1].reshaped([3, 1]).broadcast(to: [2, 3, 4]) }),
    ("matmul, linear", { x in matmul(x[0], x[0].transposed()) + linear(x[0], weight: x[2], bias: x[3]).sum(alongAxes: [3], keepingDimensions: true) }),
    ("conv2d", { x in conv2d(x[0], weight: x[4], bias: x[1], options: Conv2dOptions(padding: 1)) }),
    ("depthwise conv2d", { x in conv2d(x[0], weight: x[5], options: Conv2dOptions(padding: 1, groups: 3)) }),
    ("norms", { x in
      batchNorm(x[0], runningMean: x[1], runningVariance: x[1] + 2.0, weight: x[1], bias: x[1])
        + batchNormTraining(x[0], runningMean: x[1], runningVariance: x[1] + 2.0, weight: x[1], bias: x[1]).output
        + layerNorm(x[0], weight: x[3], bias: x[3]) + channelAffine(x[0], scale: x[1], shift: x[1]) }),
  ]

  func testOpsKeepTheirElementType() throws {
    for dtype in DType.allCases {
      let inputs = [
        Tensor.uniform([2, 3, 4, 4], low: -1, high: 1, seed: 1, dtype: dtype),
        Tensor.uniform([3], low: 0.5, high: 1, seed: 2, dtype: dtype),
        Tensor.uniform([4, 4], low: -1, high: 1, seed: 3, dtype: dtype),
        Tensor.uniform([4], low: -1, high: 1, seed: 4, dtype: dtype),
        Tensor.uniform([3, 3, 3, 3], low: -1, high: 1, seed: 5, dtype: dtype),
        Tensor.uniform([3, 1, 3, 3], low: -1, high: 1, seed: 6, dtype: dtype),
      ].map { $0.tracked() }
      for (name, f) in Self.ops {
        let y = f(inputs)
        XCTAssertEqual(y.dtype, dtype, "\(name) output")
        let grads = try gradients(of: y.sum(), wrt: inputs, allowUnused: true)
        for (i, g) in grads.enumerated() {
          XCTAssertEqual(g.dtype, dtype, "\(name): gradient of input \(i)")
          XCTAssertEqual(g.shape, inputs[i].shape, "\(name): gradient of input \(i)")
          XCTAssertTrue(g.doubles.allSatisfy(\.isFinite), "\(name): gradient of input \(i) is not finite")
        }
      }
    }
  }
}
