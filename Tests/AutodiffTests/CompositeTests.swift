import Autodiff
import AutodiffTestSupport
import XCTest

/// Whole networks by finite differences (float64, epsilon 1e-6, atol 1e-6, rtol 1e-5): gradients
/// that flow through residual branches, shared inputs and many ops at once, for every weight.
final class CompositeTests: XCTestCase {
  func testSmallCNNGradients() {
    // conv-bn-relu stem, conv-bn-relu-conv-bn residual block (training-mode batch norm),
    // global average pool, linear.
    let c = 4
    let inputs = [
      uniform([2, 3, 6, 6], 1), uniform([c, 3, 3, 3], 2, low: -0.5, high: 0.5),
      uniform([c, c, 3, 3], 3, low: -0.3, high: 0.3), uniform([c, c, 3, 3], 4, low: -0.3, high: 0.3),
      uniform([c], 5, low: 0.5, high: 1.5), uniform([c], 6), uniform([3, c], 7), uniform([3], 8),
    ]
    let mean = Tensor.zeros([c], dtype: .float64), variance = Tensor.ones([c], dtype: .float64)
    assertGradients("small CNN (x, 3 convs, bn weight/bias, fc)", inputs) { p in
      func bn(_ t: Tensor) -> Tensor {
        batchNormTraining(t, runningMean: mean, runningVariance: variance, weight: p[4], bias: p[5]).output
      }
      let pad1 = Conv2dOptions(padding: 1)
      let stem = relu(bn(conv2d(p[0], weight: p[1], options: pad1)))
      let h = bn(conv2d(relu(bn(conv2d(stem, weight: p[2], options: pad1))), weight: p[3], options: pad1))
      return linear(relu(h + stem).mean(alongAxes: [2, 3]), weight: p[6], bias: p[7])
    }
  }

  func testPreNormTransformerBlockGradients() {
    let (b, n, c, hidden) = (2, 4, 8, 16)
    let names = ["x", "ln1_w", "ln1_b", "qkv_w", "qkv_b", "proj_w", "proj_b", "ln2_w", "ln2_b",
                 "fc1_w", "fc1_b", "fc2_w", "fc2_b"]
    let shapes = [[b, n, c], [c], [c], [3 * c, c], [3 * c], [c, c], [c], [c], [c],
                  [hidden, c], [hidden], [c, hidden], [c]]
    let inputs = shapes.enumerated().map { uniform($0.element, UInt64(20 + $0.offset), low: -0.7, high: 0.7) }
    assertGradients("pre-norm transformer block (x and 12 weights)", inputs) { xs in
      let p = Dictionary(uniqueKeysWithValues: zip(names, xs))
      var x = p["x"]!
      x = x + multiHeadAttention(layerNorm(x, weight: p["ln1_w"]!, bias: p["ln1_b"]!, epsilon: 1e-6), p, heads: 2)
      let h = layerNorm(x, weight: p["ln2_w"]!, bias: p["ln2_b"]!, epsilon: 1e-6)
      return x + linear(gelu(linear(h, weight: p["fc1_w"]!, bias: p["fc1_b"]!)), weight: p["fc2_w"]!, bias: p["fc2_b"]!)
    }
  }
}
