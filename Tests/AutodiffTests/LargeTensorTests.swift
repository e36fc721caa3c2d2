import Autodiff
import AutodiffTestSupport
import Foundation
import XCTest

/// The multi-threaded kernel paths. Kernels split work into chunks only above a size threshold
/// (e.g. 65,536 elements for elementwise maps), which the small gradient checks never reach, so
/// these tests use shapes large enough to run every kernel on at least two chunks, and check:
/// - forward values against serial reference loops (float64, atol 1e-12 or tighter);
/// - gradients by a directional derivative: for a random direction v, the analytic `<grad, v>`
///   against the central difference of `L(x + εv)` (float64, epsilon 1e-6, |diff| <= 1e-6 +
///   1e-6·|numeric|), which checks the whole gradient at the cost of two forward passes.
final class LargeTensorTests: XCTestCase {
  /// Checks `<∇L(x), v> ≈ (L(x+εv) - L(x-εv)) / 2ε` for `L = sum(f(x) * r)`, for each input.
  func assertDirectionalDerivative(
    _ label: String, _ inputs: [Tensor], epsilon: Double = 1e-6, atol: Double = 1e-6, rtol: Double = 1e-6,
    file: StaticString = #filePath, line: UInt = #line, _ f: ([Tensor]) -> Tensor
  ) throws {
    let probe = withoutGradients { f(inputs) }
    let r = uniform(probe.shape, 999)
    let tracked = inputs.map { $0.tracked() }
    let grads = try gradients(of: (f(tracked) * r).sum(), wrt: tracked)
    for i in inputs.indices {
      let v = uniform(inputs[i].shape, UInt64(1000 + i))
      func loss(_ t: Double) -> Double {
        var xs = inputs
        xs[i] = inputs[i] + v * t
        return withoutGradients { (f(xs) * r).sum().item }
      }
      let numeric = (loss(epsilon) - loss(-epsilon)) / (2 * epsilon)
      let analytic = (grads[i] * v).sum().item
      let diff = abs(analytic - numeric)
      print("[gradcheck] \(label) input \(i) (directional): |a-n| = \(diff), |n| = \(abs(numeric))")
      XCTAssertLessThanOrEqual(
        diff, atol + rtol * abs(numeric),
        "\(label) input \(i): analytic \(analytic), numeric \(numeric)", file: file, line: line)
    }
  }

  func testElementwiseMapsAndBroadcasting() throws {
    let x = uniform([70_000], 1)
    let y = exp(x)
    assertClose(y, Tensor(shape: [70_000], doubles: x.doubles.map { Foundation.exp($0) }),
                atol: 0, rtol: 1e-15, "exp over 70,000 elements")
    try assertDirectionalDerivative("tanh over 70,000 elements", [x]) { tanh($0[0]) }
    // General broadcasting (row walk): [2, 300, 130] * [300, 1].
    let a = uniform([2, 300, 130], 2), b = uniform([300, 1], 3)
    let z = a * b
    let av = a.doubles, bv = b.doubles
    var expected = [Double](repeating: 0, count: av.count)
    for i in 0..<2 { for j in 0..<300 { for k in 0..<130 {
      expected[(i * 300 + j) * 130 + k] = av[(i * 300 + j) * 130 + k] * bv[j]
    } } }
    XCTAssertEqual(z.doubles, expected)
    try assertDirectionalDerivative("multiply [2,300,130] * [300,1]", [a, b]) { $0[0] * $0[1] }
    // One-element operands on either side (the scalar fast paths).
    let s = uniform([1], 4)
    XCTAssertEqual((s - a).doubles, av.map { s.doubles[0] - $0 })
    XCTAssertEqual((a / s).doubles, av.map { $0 / s.doubles[0] })
    try assertDirectionalDerivative("subtract [1] - [2,300,130]", [s, a]) { $0[0] - $0[1] }
  }

  func testReductionsAndPermute() throws {
    let x = uniform([3, 200, 130], 5)
    let v = x.doubles
    // Sum over the middle axis (inner > 1) and the last axis (inner == 1), against loops.
    var middle = [Double](repeating: 0, count: 3 * 130), last = [Double](repeating: 0, count: 3 * 200)
    for i in 0..<3 { for j in 0..<200 { for k in 0..<130 {
      middle[i * 130 + k] += v[(i * 200 + j) * 130 + k]
      last[i * 200 + j] += v[(i * 200 + j) * 130 + k]
    } } }
    assertClose(x.sum(alongAxes: [1]), Tensor(shape: [3, 130], doubles: middle), atol: 1e-12, rtol: 0, "sum axis 1 of [3,200,130]")
    assertClose(x.sum(alongAxes: [-1]), Tensor(shape: [3, 200], doubles: last), atol: 1e-12, rtol: 0, "sum axis -1 of [3,200,130]")
    let wide = uniform([600, 130], 6)
    try assertDirectionalDerivative("sum axis 1 of [600,130]", [wide]) { $0[0].sum(alongAxes: [1]) }
    try assertDirectionalDerivative("mean axes [0,2] of [3,200,130]", [x]) { $0[0].mean(alongAxes: [0, 2]) }
    try assertDirectionalDerivative("variance axis 1 of [3,200,130]", [x]) { $0[0].variance(alongAxes: [1]) }
    try assertDirectionalDerivative("max axis 1 of [3,200,130]", [x]) { $0[0].max(alongAxes: [1]) }
    // Permute with a short inner dimension (many rows).
    let p = x.permuted([2, 0, 1])
    XCTAssertEqual(p.shape, [130, 3, 200])
    let pv = p.doubles
    for k in stride(from: 0, to: 130, by: 7) { for i in 0..<3 { for j in stride(from: 0, to: 200, by: 11) {
      XCTAssertEqual(pv[(k * 3 + i) * 200 + j], v[(i * 200 + j) * 130 + k])
    } } }
    try assertDirectionalDerivative("permute [2,0,1] of [3,200,130]", [x]) { $0[0].permuted([2, 0, 1]) }
    try assertDirectionalDerivative("broadcast [300,1] -> [2,300,130]", [uniform([300, 1], 7)]) {
      $0[0].broadcast(to: [2, 300, 130])
    }
  }

  func testSoftmaxOnManySlices() throws {
    let x = uniform([300, 250], 8, low: -4, high: 4)
    for axis in [0, -1] {
      let y = softmax(x, axis: axis)
      let e = exp(x - x.max(alongAxes: [axis], keepingDimensions: true))
      assertClose(y, e / e.sum(alongAxes: [axis], keepingDimensions: true), atol: 1e-17, rtol: 1e-13,
                  "softmax axis \(axis) of [300,250]")
      try assertDirectionalDerivative("softmax axis \(axis) of [300,250]", [x]) { softmax($0[0], axis: axis) }
      try assertDirectionalDerivative("logSoftmax axis \(axis) of [300,250]", [x]) { logSoftmax($0[0], axis: axis) }
    }
  }

  func testConvolutionOnLargePlanes() throws {
    // 32x32 planes: im2col splits its rows and col2im its channels across threads.
    let configs: [(String, [Int], [Int], Conv2dOptions)] = [
      ("3x3 pad 1", [2, 3, 32, 32], [4, 3, 3, 3], Conv2dOptions(padding: 1)),
      ("groups 2 stride 2", [1, 4, 33, 32], [4, 2, 3, 3], Conv2dOptions(stride: 2, padding: 1, groups: 2)),
      ("depthwise", [2, 4, 32, 32], [4, 1, 3, 3], Conv2dOptions(padding: 1, groups: 4)),
      ("pointwise", [2, 8, 32, 32], [4, 8, 1, 1], Conv2dOptions()),
    ]
    for (i, (name, xs, ws, options)) in configs.enumerated() {
      let x = uniform(xs, UInt64(10 + i)), w = uniform(ws, UInt64(20 + i)), b = uniform([ws[0]], UInt64(30 + i))
      assertClose(conv2d(x, weight: w, bias: b, options: options), directConv2d(x, w, b, options),
                  atol: 1e-12, rtol: 0, "conv2d \(name) \(xs) forward")
      try assertDirectionalDerivative("conv2d \(name) \(xs)", [x, w, b]) {
        conv2d($0[0], weight: $0[1], bias: $0[2], options: options)
      }
    }
  }

  func testNormalisationAndMatmulAtSize() throws {
    let x = uniform([4, 8, 40, 40], 40, low: -2, high: 3)
    try assertDirectionalDerivative("channelAffine [4,8,40,40]", [x, uniform([8], 41), uniform([8], 42)]) {
      channelAffine($0[0], scale: $0[1], shift: $0[2])
    }
    let mean = Tensor.zeros([8], dtype: .float64), variance = Tensor.ones([8], dtype: .float64)
    try assertDirectionalDerivative("batchNormTraining [4,8,40,40]", [x, uniform([8], 43), uniform([8], 44)]) {
      batchNormTraining($0[0], runningMean: mean, runningVariance: variance, weight: $0[1], bias: $0[2]).output
    }
    let t = uniform([8, 197, 64], 45)
    try assertDirectionalDerivative("layerNorm [8,197,64]", [t, uniform([64], 46), uniform([64], 47)]) {
      layerNorm($0[0], weight: $0[1], bias: $0[2], epsilon: 1e-6)
    }
    try assertDirectionalDerivative("gelu [8,197,64]", [t]) { gelu($0[0]) }
    let a = uniform([4, 3, 64, 48], 48), b = uniform([3, 48, 40], 49)
    assertClose(matmul(a, b), naiveMatmul(a, b), atol: 1e-12, rtol: 0, "matmul [4,3,64,48] x [3,48,40]")
    try assertDirectionalDerivative("matmul [4,3,64,48] x [3,48,40]", [a, b]) { matmul($0[0], $0[1]) }
  }
}
