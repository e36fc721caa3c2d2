import Autodiff
import AutodiffTestSupport
import Foundation
import XCTest

/// Parity with PyTorch (reference: torch 2.15.0, CPU): forward values and the gradients of
/// `(out * r).sum()` for a saved random `r`, computed by Scripts/fixtures/make_autodiff_fixtures.py
/// in float64 from float32 inputs and stored as float32 in Fixtures/parity/<case>__<name>.npy.
/// Here everything runs in float32, so the differences are Autodiff's float32 rounding.
///
/// Tolerances (elementwise, |ours - torch| <= atol + rtol·|torch|), about 20 float32 ulps for
/// values of order 1; measured worst differences are ~1e-6 absolute (2 ulps of a value near 5) and
/// ~3e-7 relative to the tensor's largest value (see the `[parity]` lines of the test log):
/// - single ops: atol 2e-6, rtol 2e-5 for outputs and gradients;
/// - whole networks (CNN, transformer block): atol 5e-6, rtol 5e-5.
final class ParityTests: XCTestCase {
  static let forward = (atol: 2e-6, rtol: 2e-5)
  static let gradient = (atol: 2e-6, rtol: 2e-5)
  static let networkForward = (atol: 5e-6, rtol: 5e-5)
  static let networkGradient = (atol: 5e-6, rtol: 5e-5)

  /// Loads `Fixtures/parity/<case>__<name>.npy` from the test bundle.
  func fixture(_ testCase: String, _ name: String) throws -> Tensor {
    try loadFixture("\(testCase)__\(name)", bundle: .module, subdirectory: "Fixtures/parity")
  }

  /// Runs one case: loads `params` (tracked), evaluates `f`, and compares the output `out`,
  /// every other returned tensor that has a fixture of its name, and the gradients of
  /// `(out * r).sum()` with respect to the params and to the returned tensors named in
  /// `intermediates`.
  func parity(
    _ testCase: String, params: [String], constants: [String] = [], intermediates: [String] = [],
    forward: (atol: Double, rtol: Double) = ParityTests.forward,
    gradient: (atol: Double, rtol: Double) = ParityTests.gradient,
    file: StaticString = #filePath, line: UInt = #line,
    _ f: ([String: Tensor]) -> [String: Tensor]
  ) throws {
    var inputs: [String: Tensor] = [:]
    for name in params { inputs[name] = try fixture(testCase, name).tracked() }
    for name in constants { inputs[name] = try fixture(testCase, name) }
    for (name, t) in inputs { XCTAssertEqual(t.dtype, .float32, "\(testCase)__\(name)") }
    let outputs = f(inputs)
    let out = try XCTUnwrap(outputs["out"])
    for (name, value) in outputs.sorted(by: { $0.key < $1.key }) {
      XCTAssertEqual(value.dtype, .float32, "\(testCase) output \(name) type", file: file, line: line)
      guard name == "out" || (try? fixture(testCase, name)) != nil else { continue }
      assertClose(value, try fixture(testCase, name), atol: forward.atol, rtol: forward.rtol,
                  "\(testCase) forward \(name)", file: file, line: line)
    }
    let loss = (out * (try fixture(testCase, "r"))).sum()
    let targets = params.map { inputs[$0]! } + intermediates.map { outputs[$0]! }
    let grads = try gradients(of: loss, wrt: targets)
    for (name, g) in zip(params + intermediates, grads) {
      XCTAssertEqual(g.dtype, .float32, "\(testCase) gradient \(name) type", file: file, line: line)
      assertClose(g, try fixture(testCase, "g_" + name), atol: gradient.atol, rtol: gradient.rtol,
                  "\(testCase) gradient \(name)", file: file, line: line)
    }
  }

  func testFixturesResolveInTheBundle() throws {
    // `.copy("Fixtures")` keeps the folder, so parity fixtures live under "Fixtures/parity".
    let url = try XCTUnwrap(Bundle.module.url(forResource: "conv_basic__x", withExtension: "npy", subdirectory: "Fixtures/parity"))
    XCTAssertTrue(url.path.hasSuffix("Fixtures/parity/conv_basic__x.npy"), url.path)
    XCTAssertEqual(try fixture("conv_basic", "x").shape, [2, 3, 7, 6])
  }

  // MARK: - conv2d

  func testConv2d() throws {
    let cases: [(String, Conv2dOptions, Bool)] = [
      ("conv_basic", Conv2dOptions(padding: 1), true),
      ("conv_strided_dilated", Conv2dOptions(stride: (2, 1), padding: (1, 2), dilation: (2, 1)), true),
      ("conv_groups", Conv2dOptions(stride: (1, 2), padding: (1, 1), groups: 2), true),
      ("conv_depthwise", Conv2dOptions(stride: 2, padding: 1, groups: 4), true),
      ("conv_depthwise_multiplier", Conv2dOptions(stride: 1, padding: 2, dilation: 2, groups: 3), false),
      ("conv_pointwise", Conv2dOptions(), true),
      ("conv_1x1_strided", Conv2dOptions(stride: 2), false),
      ("conv_5x4_large_pad", Conv2dOptions(stride: (1, 1), padding: (3, 2)), true),
    ]
    for (name, options, hasBias) in cases {
      try parity(name, params: hasBias ? ["x", "w", "b"] : ["x", "w"]) { p in
        ["out": conv2d(p["x"]!, weight: p["w"]!, bias: p["b"], options: options)]
      }
    }
    // A ResNet-sized layer, [1,16,28,28] * [32,16,3,3]: each weight-gradient element sums 784
    // float32 products of order 1 (the largest gradient is ~32), so cancellation leaves absolute
    // errors up to ~2e-5 on small elements (measured 1.7e-5, i.e. 5e-7 of the largest): atol 5e-5.
    try parity("conv_large", params: ["x", "w", "b"], gradient: (atol: 5e-5, rtol: 2e-5)) { p in
      ["out": conv2d(p["x"]!, weight: p["w"]!, bias: p["b"]!, options: Conv2dOptions(padding: 1))]
    }
  }

  // MARK: - matmul, linear

  func testMatmulAndLinear() throws {
    for name in ["matmul_2d", "matmul_batched", "matmul_broadcast", "matmul_matrix_batch"] {
      try parity(name, params: ["a", "b"]) { p in ["out": matmul(p["a"]!, p["b"]!)] }
    }
    try parity("linear", params: ["x", "w", "b"]) { p in ["out": linear(p["x"]!, weight: p["w"]!, bias: p["b"]!)] }
    try parity("linear_nobias", params: ["x", "w"]) { p in ["out": linear(p["x"]!, weight: p["w"]!)] }
  }

  // MARK: - normalisation

  func testLayerNorm() throws {
    try parity("layernorm_1d", params: ["x", "w", "b"]) { p in
      ["out": layerNorm(p["x"]!, weight: p["w"]!, bias: p["b"]!, epsilon: 1e-5)]
    }
    try parity("layernorm_2d", params: ["x", "w", "b"]) { p in
      ["out": layerNorm(p["x"]!, normalizedDimensions: 2, weight: p["w"]!, bias: p["b"]!, epsilon: 1e-6)]
    }
  }

  func testBatchNorm() throws {
    try parity("batchnorm_eval", params: ["x", "w", "b"], constants: ["running_mean", "running_var"]) { p in
      ["out": batchNorm(p["x"]!, runningMean: p["running_mean"]!, runningVariance: p["running_var"]!,
                        weight: p["w"]!, bias: p["b"]!, epsilon: 1e-5)]
    }
    try parity("batchnorm_train", params: ["x", "w", "b"], constants: ["running_mean", "running_var"]) { p in
      let r = batchNormTraining(p["x"]!, runningMean: p["running_mean"]!, runningVariance: p["running_var"]!,
                                weight: p["w"]!, bias: p["b"]!, momentum: 0.1, epsilon: 1e-5)
      return ["out": r.output, "new_running_mean": r.runningMean, "new_running_var": r.runningVariance]
    }
  }

  // MARK: - softmax, log-softmax, gelu

  func testSoftmaxLogSoftmaxGelu() throws {
    for (suffix, axis) in [("axis0", 0), ("axis1", 1), ("axis_last", -1)] {
      try parity("softmax_\(suffix)", params: ["x"]) { p in ["out": softmax(p["x"]!, axis: axis)] }
      try parity("logsoftmax_\(suffix)", params: ["x"]) { p in ["out": logSoftmax(p["x"]!, axis: axis)] }
    }
    try parity("gelu", params: ["x"]) { p in ["out": gelu(p["x"]!)] }
  }

  // MARK: - elementwise ops, broadcasting arithmetic, reductions

  func testElementwiseOps() throws {
    let unary: [(String, (Tensor) -> Tensor)] = [
      ("tanh", tanh), ("sigmoid", sigmoid), ("relu", relu), ("exp", exp), ("log", log), ("sqrt", sqrt),
      ("pow3", { pow($0, 3) }), ("pow_half", { pow($0, 0.5) }),
    ]
    for (name, f) in unary {
      try parity(name, params: ["x"]) { p in ["out": f(p["x"]!)] }
    }
    try parity("pow_tensor", params: ["a", "b"]) { p in ["out": pow(p["a"]!, p["b"]!)] }
    try parity("broadcast_arith", params: ["a", "b"]) { p in
      let (a, b) = (p["a"]!, p["b"]!)
      return ["out": a * b + a / b - b - 2.0 * a]
    }
  }

  func testReductions() throws {
    try parity("sum_axes_0_2", params: ["x"]) { p in ["out": p["x"]!.sum(alongAxes: [0, 2])] }
    try parity("mean_last_keep", params: ["x"]) { p in ["out": p["x"]!.mean(alongAxes: [-1], keepingDimensions: true)] }
    try parity("amax_axis1", params: ["x"]) { p in ["out": p["x"]!.max(alongAxes: [1])] }
    try parity("var_axes_1_2_unbiased", params: ["x"]) { p in ["out": p["x"]!.variance(alongAxes: [1, 2], unbiased: true)] }
    try parity("var_axis0_biased_keep", params: ["x"]) { p in
      ["out": p["x"]!.variance(alongAxes: [0], keepingDimensions: true)]
    }
  }

  // MARK: - attention

  func testAttention() throws {
    try parity("attention", params: ["q", "k", "v"]) { p in
      let d = Double(p["q"]!.shape.last!)
      let scores = matmul(p["q"]!, p["k"]!.transposed(-2, -1)) / d.squareRoot()
      return ["out": matmul(softmax(scores, axis: -1), p["v"]!)]
    }
    try parity("mha", params: ["x", "qkv_w", "qkv_b", "proj_w", "proj_b"]) { p in
      ["out": multiHeadAttention(p["x"]!, p, heads: 3)]
    }
  }

  // MARK: - networks

  func testSmallCNNWithGradCAMTarget() throws {
    let params = ["x", "conv0_w", "conv1_w", "conv2_w", "fc_w", "fc_b"]
      + (0..<3).flatMap { ["bn\($0)_w", "bn\($0)_b"] }
    let stats = (0..<3).flatMap { ["bn\($0)_mean", "bn\($0)_var"] }
    try parity("cnn", params: params, constants: stats, intermediates: ["features"],
               forward: Self.networkForward, gradient: Self.networkGradient) { p in
      func bn(_ t: Tensor, _ i: Int) -> Tensor {
        batchNorm(t, runningMean: p["bn\(i)_mean"]!, runningVariance: p["bn\(i)_var"]!,
                  weight: p["bn\(i)_w"]!, bias: p["bn\(i)_b"]!, epsilon: 1e-5)
      }
      let pad1 = Conv2dOptions(padding: 1)
      let stem = relu(bn(conv2d(p["x"]!, weight: p["conv0_w"]!, options: pad1), 0))
      var h = relu(bn(conv2d(stem, weight: p["conv1_w"]!, options: pad1), 1))
      h = bn(conv2d(h, weight: p["conv2_w"]!, options: pad1), 2)
      let features = relu(h + stem)
      let pooled = features.mean(alongAxes: [2, 3])
      return ["out": linear(pooled, weight: p["fc_w"]!, bias: p["fc_b"]!), "features": features]
    }
  }

  func testPreNormTransformerBlock() throws {
    let params = ["x", "ln1_w", "ln1_b", "qkv_w", "qkv_b", "proj_w", "proj_b", "ln2_w", "ln2_b",
                  "fc1_w", "fc1_b", "fc2_w", "fc2_b"]
    try parity("transformer", params: params, forward: Self.networkForward, gradient: Self.networkGradient) { p in
      var x = p["x"]!
      x = x + multiHeadAttention(layerNorm(x, weight: p["ln1_w"]!, bias: p["ln1_b"]!, epsilon: 1e-6), p, heads: 4)
      let h = layerNorm(x, weight: p["ln2_w"]!, bias: p["ln2_b"]!, epsilon: 1e-6)
      let mlp = linear(gelu(linear(h, weight: p["fc1_w"]!, bias: p["fc1_b"]!)), weight: p["fc2_w"]!, bias: p["fc2_b"]!)
      return ["out": x + mlp]
    }
  }
}

/// timm's `Attention.forward`: qkv linear, reshape to (B, N, 3, heads, d) and permute to
/// (3, B, heads, N, d), scaled q·kᵀ, softmax, ·v, back to (B, N, C), output projection.
/// `qkv.unbind(0)` is a one-hot mask and a sum over axis 0 (exact, and differentiable with the
/// ops of this module).
func multiHeadAttention(_ x: Tensor, _ p: [String: Tensor], heads: Int) -> Tensor {
  let (b, n, c) = (x.shape[0], x.shape[1], x.shape[2])
  let d = c / heads
  let qkv = linear(x, weight: p["qkv_w"]!, bias: p["qkv_b"]!)
    .reshaped([b, n, 3, heads, d]).permuted([2, 0, 3, 1, 4])
  func unbind(_ i: Int) -> Tensor {
    var mask = [Float](repeating: 0, count: 3)
    mask[i] = 1
    return (qkv * Tensor(shape: [3, 1, 1, 1, 1], scalars: mask).converted(to: x.dtype)).sum(alongAxes: [0])
  }
  let (q, k, v) = (unbind(0), unbind(1), unbind(2))
  let attention = softmax(matmul(q * pow(Double(d), -0.5), k.transposed(-2, -1)), axis: -1)
  let y = matmul(attention, v).transposed(1, 2).reshaped([b, n, c])
  return linear(y, weight: p["proj_w"]!, bias: p["proj_b"]!)
}
