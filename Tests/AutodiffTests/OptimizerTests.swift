import Autodiff
import AutodiffTestSupport
import XCTest

/// Parameter, SGD and AdamW: update rules against torch.optim and an end-to-end training run.
final class OptimizerTests: XCTestCase {
  func testSingleStepRules() {
    // SGD without momentum: p - lr * (g + wd * p).
    let p = Parameter(name: "p", value: Tensor(shape: [2], doubles: [1, -2]))
    SGD(learningRate: 0.5, weightDecay: 0.1).step([p], gradients: [Tensor(shape: [2], doubles: [2, 4])])
    XCTAssertEqual(p.value.doubles[0], 1 - 0.5 * (2 + 0.1), accuracy: 1e-15)
    XCTAssertEqual(p.value.doubles[1], -2 - 0.5 * (4 - 0.2), accuracy: 1e-15)
    XCTAssertFalse(p.value.isTracked)
    // First AdamW step moves each coordinate by about lr * sign(g) (after decoupled decay).
    let q = Parameter(name: "q", value: Tensor(shape: [2], scalars: [1, 1]))
    AdamW(learningRate: 0.1, weightDecay: 0).step([q], gradients: [Tensor(shape: [2], scalars: [3, -0.5])])
    XCTAssertEqual(q.value.dtype, .float32)
    XCTAssertEqual(q.value.doubles[0], 0.9, accuracy: 1e-6)
    XCTAssertEqual(q.value.doubles[1], 1.1, accuracy: 1e-6)
  }

  /// Three steps on `mean((x W^T + b - y)^2)` in float64, against torch.optim (torch 2.15 CPU,
  /// Scripts/fixtures/make_ops_fixtures.py). Tolerance 1e-12 absolute: same rules, same precision.
  func testThreeStepsMatchTorch() throws {
    let x = try opsFixture("opt_x"), y = try opsFixture("opt_y")
    let cases: [(String, () -> (([Parameter], [Tensor]) -> Void))] = [
      ("sgd_momentum", { let o = SGD(learningRate: 0.1, momentum: 0.9, weightDecay: 0.01); return o.step }),
      ("sgd_nesterov", { let o = SGD(learningRate: 0.1, momentum: 0.9, weightDecay: 0.01, nesterov: true); return o.step }),
      ("sgd_dampening", { let o = SGD(learningRate: 0.05, momentum: 0.5, dampening: 0.3); return o.step }),
      ("adamw", { let o = AdamW(learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.1); return o.step }),
    ]
    for (name, make) in cases {
      let w = Parameter(name: "w", value: try opsFixture("opt_w0"))
      let b = Parameter(name: "b", value: try opsFixture("opt_b0"))
      XCTAssertEqual(w.value.dtype, .float64)
      let step = make()
      for _ in 0..<3 {
        let (wt, bt) = (w.value.tracked(), b.value.tracked())
        let d = matmul(x, wt.transposed()) + bt - y
        let loss = (d * d).mean()
        step([w, b], try gradients(of: loss, wrt: [wt, bt]))
      }
      XCTAssertLessThan(maxAbsDifference(w.value, try opsFixture("opt_\(name)_w3")), 1e-12, name)
      XCTAssertLessThan(maxAbsDifference(b.value, try opsFixture("opt_\(name)_b3")), 1e-12, name)
    }
  }

  /// A 2-16-2 tanh MLP learns XOR with cross-entropy in float32: the full-batch loss falls below
  /// 0.01 (about 2e-4 with AdamW and 7e-5 with SGD in practice) and all four points are classified
  /// correctly, with AdamW and with SGD + momentum.
  func testMLPLearnsXOR() throws {
    let inputs = Tensor(shape: [4, 2], scalars: [0, 0, 0, 1, 1, 0, 1, 1])
    let labels = [0, 1, 1, 0]
    func makeParameters() -> [Parameter] {
      // PyTorch's nn.Linear initialisation: U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
      let b1 = 1 / 2.0.squareRoot(), b2 = 1 / 16.0.squareRoot()
      return [
        Parameter(name: "fc1.weight", value: .uniform([16, 2], low: -b1, high: b1, seed: 11)),
        Parameter(name: "fc1.bias", value: .uniform([16], low: -b1, high: b1, seed: 12)),
        Parameter(name: "fc2.weight", value: .uniform([2, 16], low: -b2, high: b2, seed: 13)),
        Parameter(name: "fc2.bias", value: .uniform([2], low: -b2, high: b2, seed: 14)),
      ]
    }
    func logits(_ p: [Tensor]) -> Tensor {
      let h = tanh(matmul(inputs, p[0].transposed()) + p[1])
      return matmul(h, p[2].transposed()) + p[3]
    }
    let optimizers: [(String, ([Parameter], [Tensor]) -> Void)] = [
      ("AdamW", AdamW(learningRate: 0.05, weightDecay: 0).step),
      ("SGD", SGD(learningRate: 0.5, momentum: 0.9).step),
    ]
    for (name, step) in optimizers {
      let params = makeParameters()
      var loss = Double.infinity
      for _ in 0..<300 {
        let xs = params.map { $0.value.tracked() }
        let l = crossEntropy(logits(xs), labels: labels)
        loss = l.item
        step(params, try gradients(of: l, wrt: xs))
      }
      XCTAssertLessThan(loss, 0.01, name)
      let out = logits(params.map(\.value)).doubles
      let predicted = (0..<4).map { out[2 * $0 + 1] > out[2 * $0] ? 1 : 0 }
      XCTAssertEqual(predicted, labels, name)
    }
  }

  /// A tiny CNN (conv-relu-maxpool-conv-relu-adaptive avg pool-linear) learns to tell vertical
  /// from horizontal bars in noisy 8x8 images with AdamW: the full-batch cross-entropy falls below
  /// 0.05 (about 2e-7 in practice) and every training image is classified correctly. Exercises
  /// conv2d, maxPool2d, adaptiveAvgPool2d and crossEntropy end to end.
  func testTinyCNNLearnsBarOrientation() throws {
    var rng = SplitMix64(seed: 5)
    var pixels: [Float] = []
    var labels: [Int] = []
    for i in 0..<16 {
      let vertical = i % 2 == 0
      let at = Int(rng.next() % 8)
      for r in 0..<8 {
        for c in 0..<8 {
          let bar = (vertical ? c : r) == at
          pixels.append((bar ? 1 : 0) + Float(rng.nextUnit() * 0.3 - 0.15))
        }
      }
      labels.append(vertical ? 1 : 0)
    }
    let images = Tensor(shape: [16, 1, 8, 8], scalars: pixels)
    let params = [
      Parameter(name: "conv1.weight", value: .uniform([4, 1, 3, 3], low: -1 / 3, high: 1 / 3, seed: 21)),
      Parameter(name: "conv1.bias", value: .zeros([4])),
      Parameter(name: "conv2.weight", value: .uniform([8, 4, 3, 3], low: -1 / 6, high: 1 / 6, seed: 22)),
      Parameter(name: "conv2.bias", value: .zeros([8])),
      Parameter(name: "fc.weight", value: .uniform([2, 8], low: -0.35, high: 0.35, seed: 23)),
      Parameter(name: "fc.bias", value: .zeros([2])),
    ]
    func logits(_ p: [Tensor]) -> Tensor {
      var h = relu(conv2d(images, weight: p[0], bias: p[1], options: Conv2dOptions(padding: 1)))
      h = maxPool2d(h, kernel: 2)
      h = relu(conv2d(h, weight: p[2], bias: p[3], options: Conv2dOptions(padding: 1)))
      h = adaptiveAvgPool2d(h, outputSize: (1, 1)).flattened(from: 1)
      return matmul(h, p[4].transposed()) + p[5]
    }
    let optimizer = AdamW(learningRate: 0.03, weightDecay: 0)
    var loss = Double.infinity
    for _ in 0..<200 {
      let xs = params.map { $0.value.tracked() }
      let l = crossEntropy(logits(xs), labels: labels)
      loss = l.item
      optimizer.step(params, gradients: try gradients(of: l, wrt: xs))
    }
    XCTAssertLessThan(loss, 0.05)
    let out = logits(params.map(\.value)).doubles
    XCTAssertEqual((0..<16).map { out[2 * $0 + 1] > out[2 * $0] ? 1 : 0 }, labels)
  }
}
