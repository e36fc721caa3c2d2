import Autodiff
import AutodiffTestSupport
import XCTest

/// conv2d with every option: stride, padding, dilation (square and per-axis), groups, depthwise
/// (with and without a channel multiplier), 1x1 pointwise (the fast path) and 1x1 strided/padded
/// (the im2col path), non-square kernels and inputs, kernels as large as the padded input.
/// Each configuration is checked twice: forward against a direct 7-loop convolution (float64,
/// atol 1e-13), and gradients for input, weight and bias against finite differences (float64,
/// epsilon 1e-6, atol 1e-6, rtol 1e-5).
final class Conv2dTests: XCTestCase {
  struct Config {
    var name: String
    var x: [Int]  // [N, C, H, W]
    var w: [Int]  // [O, C / groups, kH, kW]
    var bias: Bool
    var options: Conv2dOptions
  }

  static let configs: [Config] = [
    Config(name: "3x3 pad 1", x: [2, 3, 5, 6], w: [4, 3, 3, 3], bias: true, options: Conv2dOptions(padding: 1)),
    Config(name: "3x3 no pad", x: [1, 2, 5, 5], w: [3, 2, 3, 3], bias: false, options: Conv2dOptions()),
    Config(name: "stride 2", x: [2, 2, 7, 7], w: [3, 2, 3, 3], bias: true, options: Conv2dOptions(stride: 2, padding: 1)),
    Config(name: "stride (2,1) pad (0,2)", x: [1, 2, 7, 5], w: [3, 2, 3, 3], bias: true,
           options: Conv2dOptions(stride: (2, 1), padding: (0, 2))),
    Config(name: "stride 3 (windows do not cover the input)", x: [1, 2, 8, 8], w: [2, 2, 2, 2], bias: false,
           options: Conv2dOptions(stride: 3)),
    Config(name: "dilation 2", x: [1, 2, 7, 7], w: [3, 2, 3, 3], bias: true, options: Conv2dOptions(padding: 2, dilation: 2)),
    Config(name: "dilation (1,2) stride (1,2)", x: [2, 2, 6, 9], w: [2, 2, 3, 3], bias: true,
           options: Conv2dOptions(stride: (1, 2), padding: (1, 1), dilation: (1, 2))),
    Config(name: "non-square kernel 2x3, non-square input", x: [2, 3, 5, 7], w: [4, 3, 2, 3], bias: true,
           options: Conv2dOptions(stride: (1, 2), padding: (1, 0))),
    Config(name: "kernel 5x1", x: [1, 2, 6, 4], w: [2, 2, 5, 1], bias: true, options: Conv2dOptions(stride: (1, 1), padding: (2, 0))),
    Config(name: "kernel as large as the input", x: [2, 2, 4, 3], w: [3, 2, 4, 3], bias: true, options: Conv2dOptions()),
    Config(name: "padding larger than half the kernel", x: [1, 2, 3, 3], w: [2, 2, 2, 2], bias: true,
           options: Conv2dOptions(padding: 2)),
    Config(name: "groups 2", x: [2, 4, 5, 5], w: [6, 2, 3, 3], bias: true, options: Conv2dOptions(padding: 1, groups: 2)),
    Config(name: "groups 3 stride 2 dilation 2", x: [1, 6, 9, 8], w: [3, 2, 3, 2], bias: true,
           options: Conv2dOptions(stride: (2, 2), padding: (2, 1), dilation: (2, 2), groups: 3)),
    Config(name: "depthwise 3x3 pad 1", x: [2, 4, 5, 6], w: [4, 1, 3, 3], bias: true,
           options: Conv2dOptions(padding: 1, groups: 4)),
    Config(name: "depthwise stride 2 dilation 2", x: [1, 3, 9, 8], w: [3, 1, 3, 3], bias: false,
           options: Conv2dOptions(stride: 2, padding: 2, dilation: 2, groups: 3)),
    Config(name: "depthwise non-square 5x3 stride (1,2)", x: [2, 3, 7, 7], w: [3, 1, 5, 3], bias: true,
           options: Conv2dOptions(stride: (1, 2), padding: (2, 1), groups: 3)),
    Config(name: "depthwise with channel multiplier 2", x: [1, 3, 6, 5], w: [6, 1, 3, 3], bias: true,
           options: Conv2dOptions(padding: 1, groups: 3)),
    Config(name: "pointwise 1x1", x: [2, 5, 4, 3], w: [3, 5, 1, 1], bias: true, options: Conv2dOptions()),
    Config(name: "pointwise 1x1 groups 2", x: [2, 4, 3, 3], w: [6, 2, 1, 1], bias: false, options: Conv2dOptions(groups: 2)),
    Config(name: "1x1 stride 2", x: [1, 4, 5, 6], w: [3, 4, 1, 1], bias: true, options: Conv2dOptions(stride: 2)),
    Config(name: "1x1 padding 1", x: [1, 3, 3, 4], w: [2, 3, 1, 1], bias: true, options: Conv2dOptions(padding: 1)),
    Config(name: "1x1 input 1x1 (a linear layer)", x: [3, 4, 1, 1], w: [5, 4, 1, 1], bias: true, options: Conv2dOptions()),
    // TensorFlow "same" padding of even totals: the odd pixel after (end padding), read in place.
    Config(name: "3x3 stride 2 TF same (0, 1)", x: [2, 3, 8, 6], w: [4, 3, 3, 3], bias: true,
           options: Conv2dOptions(stride: (2, 2), padding: (0, 0), endPadding: (1, 1))),
    Config(name: "5x5 stride 2 TF same (1, 2) x (2, 2)", x: [1, 2, 10, 9], w: [3, 2, 5, 5], bias: false,
           options: Conv2dOptions(stride: (2, 2), padding: (1, 2), endPadding: (2, 2))),
    Config(name: "depthwise 3x3 stride 2 TF same (0, 1)", x: [2, 4, 8, 8], w: [4, 1, 3, 3], bias: true,
           options: Conv2dOptions(stride: (2, 2), padding: (0, 0), groups: 4, endPadding: (1, 1))),
    Config(name: "depthwise 5x5 stride 2 TF same (1, 2)", x: [1, 3, 10, 12], w: [3, 1, 5, 5], bias: false,
           options: Conv2dOptions(stride: (2, 2), padding: (1, 1), groups: 3, endPadding: (2, 2))),
    Config(name: "depthwise 2x2 stride 1 end padding only", x: [1, 2, 5, 4], w: [2, 1, 2, 2], bias: true,
           options: Conv2dOptions(stride: (1, 1), padding: (0, 0), groups: 2, endPadding: (1, 1))),
  ]

  func testForwardAgainstDirectConvolution() {
    for (i, cfg) in Self.configs.enumerated() {
      let x = uniform(cfg.x, UInt64(100 + i)), w = uniform(cfg.w, UInt64(200 + i))
      let b = cfg.bias ? uniform([cfg.w[0]], UInt64(300 + i)) : nil
      let y = conv2d(x, weight: w, bias: b, options: cfg.options)
      assertClose(y, directConv2d(x, w, b, cfg.options), atol: 1e-13, rtol: 1e-13, "conv2d forward \(cfg.name)")
    }
  }

  func testGradients() {
    for (i, cfg) in Self.configs.enumerated() {
      let x = uniform(cfg.x, UInt64(400 + i)), w = uniform(cfg.w, UInt64(500 + i))
      let opts = cfg.options
      if cfg.bias {
        assertGradients("conv2d \(cfg.name) (x, w, b)", [x, w, uniform([cfg.w[0]], UInt64(600 + i))]) {
          conv2d($0[0], weight: $0[1], bias: $0[2], options: opts)
        }
      } else {
        assertGradients("conv2d \(cfg.name) (x, w)", [x, w]) { conv2d($0[0], weight: $0[1], options: opts) }
      }
    }
  }

  func testInputGradientAloneAndWeightGradientAlone() throws {
    // Each rule is also right when only one input needs a gradient (constant weight / input).
    let cfg = Self.configs[12]
    let x = uniform(cfg.x, 700), w = uniform(cfg.w, 701)
    assertGradients("conv2d \(cfg.name), constant weight", [x]) { conv2d($0[0], weight: w, options: cfg.options) }
    assertGradients("conv2d \(cfg.name), constant input", [w]) { conv2d(x, weight: $0[0], options: cfg.options) }
  }

  func testFloat32AgreesWithFloat64() {
    for cfg in [Self.configs[0], Self.configs[12], Self.configs[15], Self.configs[17]] {
      let x = uniform(cfg.x, 800), w = uniform(cfg.w, 801)
      let y64 = conv2d(x, weight: w, options: cfg.options)
      let y32 = conv2d(x.converted(to: .float32), weight: w.converted(to: .float32), options: cfg.options)
      XCTAssertEqual(y32.dtype, .float32)
      assertClose(y32, y64, atol: 1e-5, rtol: 1e-5, "conv2d float32 vs float64, \(cfg.name)")
    }
  }

  /// float32 convolutions take the package's kernel (AVX-512 or AVX2), which reads the image through an implicit im2col
  /// matrix in the GEMM's packing: every configuration above, plus sizes that cross the kernel's
  /// blocks (32-column strips spanning output rows, two depth blocks, a second 4096-column panel,
  /// stride 2 at the image edges), against the direct float64 convolution.
  /// Tolerance: 1e-5 absolute + 1e-5 relative (float32 accumulation over at most 360 terms).
  func testFloat32ImplicitColumnsAgainstDirectConvolution() {
    let extra = [
      Config(name: "3x3 pad 1, 7-wide rows", x: [2, 20, 7, 7], w: [13, 20, 3, 3], bias: true, options: Conv2dOptions(padding: 1)),
      Config(name: "3x3 stride 2, 40 channels (2 depth blocks)", x: [1, 40, 17, 19], w: [30, 40, 3, 3], bias: true,
             options: Conv2dOptions(stride: 2, padding: 1)),
      Config(name: "3x3 dilation 2 over 70x70 (2 column panels)", x: [1, 3, 70, 70], w: [5, 3, 3, 3], bias: false,
             options: Conv2dOptions(padding: 2, dilation: 2)),
      Config(name: "7x7 stride 2 pad 3 (a ResNet stem)", x: [1, 3, 45, 41], w: [8, 3, 7, 7], bias: false,
             options: Conv2dOptions(stride: 2, padding: 3)),
    ]
    for (i, cfg) in (Self.configs + extra).enumerated() {
      let x = uniform(cfg.x, UInt64(900 + i)), w = uniform(cfg.w, UInt64(1000 + i))
      let b = cfg.bias ? uniform([cfg.w[0]], UInt64(1100 + i)) : nil
      let y32 = conv2d(x.converted(to: .float32), weight: w.converted(to: .float32), bias: b?.converted(to: .float32),
                       options: cfg.options)
      assertClose(y32, directConv2d(x, w, b, cfg.options), atol: 1e-5, rtol: 1e-5, "float32 conv2d \(cfg.name)")
    }
  }

  /// 3x3 stride-1 convolutions given Winograd F(2x2, 3x3) weights (PackedWeights(winogradWeight:))
  /// against the direct float64 convolution: odd and even output sizes (partial 2x2 tiles),
  /// padding 0-2, a batch of 2, with bias, residual and ReLU, and 130 input channels; a row of 19
  /// tiles (37 columns) crosses the AVX-512 output transform's 16-tile blocks.
  /// Tolerance: 1e-5 relative + 2e-7 * 9C absolute (float32 rounding over 9C terms of magnitude at
  /// most 1; the transforms add a few roundings of their own).
  func testWinogradWeightsAgainstDirectConvolution() throws {
    try XCTSkipUnless(GEMMKernel.usesPackageKernel, "Winograd runs on the package kernel only (AVX2 or AVX-512)")
    let cases: [(x: [Int], o: Int, padding: Int)] = [([2, 5, 9, 8], 7, 1), ([1, 130, 15, 14], 33, 1), ([1, 4, 6, 7], 3, 0), ([1, 3, 5, 5], 2, 2),
                                                      ([1, 6, 11, 37], 5, 1), ([1, 6, 8, 34], 4, 1)]
    for (i, cfg) in cases.enumerated() {
      let x = uniform(cfg.x, UInt64(1200 + i)), w = uniform([cfg.o, cfg.x[1], 3, 3], UInt64(1300 + i))
      let b = uniform([cfg.o], UInt64(1400 + i))
      let options = Conv2dOptions(padding: cfg.padding)
      let reference = directConv2d(x, w, b, options)
      let residual = uniform(reference.shape, UInt64(1500 + i))
      let packed = try XCTUnwrap(PackedWeights(winogradWeight: w.converted(to: .float32)))
      let plain = conv2d(x.converted(to: .float32), weight: w.converted(to: .float32), bias: b.converted(to: .float32),
                         options: options, packedWeight: packed)
      let atol = 2e-7 * 9 * Double(cfg.x[1])
      assertClose(plain, reference, atol: atol, rtol: 1e-5, "winograd \(cfg)")
      let fused = conv2d(x.converted(to: .float32), weight: w.converted(to: .float32), bias: b.converted(to: .float32),
                         options: options, residual: residual.converted(to: .float32), activation: .relu, packedWeight: packed)
      assertClose(fused, relu(reference + residual), atol: atol, rtol: 1e-5, "winograd + residual + relu \(cfg)")
    }
  }

  /// Stride-2 convolutions given strided-kernel weights (PackedWeights(stridedConvolutionWeight:),
  /// AVX-512 only) through conv2d against the direct float64 convolution: a batch of 2, with bias,
  /// residual and ReLU, uneven end padding, a 7-wide output (two rows a tile); and which layers
  /// take the kernel (stridedConvolutionPays: ResNet-50's stride-2 3x3 layers, not its stem, its
  /// 1x1 shortcuts, a stride-1 layer or a grouped one).
  /// Tolerance: 1e-5 relative + 2e-7 * C kH kW absolute (float32 rounding over C kH kW terms).
  func testStridedWeightsAgainstDirectConvolution() throws {
    let resnet = Tensor.zeros([128, 128, 3, 3]), stem = Tensor.zeros([64, 3, 7, 7]), shortcut = Tensor.zeros([512, 256, 1, 1])
    let onAVX512 = GEMMKernel.useAVX512 && ComputePrecision.current == .fp32
    XCTAssertEqual(PackedWeights.stridedConvolutionPays(resnet, Conv2dOptions(stride: 2, padding: 1)), onAVX512)
    XCTAssertFalse(PackedWeights.stridedConvolutionPays(stem, Conv2dOptions(stride: 2, padding: 3)))
    XCTAssertFalse(PackedWeights.stridedConvolutionPays(shortcut, Conv2dOptions(stride: 2)))
    XCTAssertFalse(PackedWeights.stridedConvolutionPays(resnet, Conv2dOptions(stride: 1, padding: 1)))
    XCTAssertFalse(PackedWeights.stridedConvolutionPays(Tensor.zeros([128, 64, 3, 3]), Conv2dOptions(stride: 2, padding: 1, groups: 2)))
    try XCTSkipUnless(onAVX512, "the strided kernel runs on the AVX-512 float32 kernel only")
    let cases: [(x: [Int], o: Int, options: Conv2dOptions)] = [
      ([2, 20, 15, 16], 40, Conv2dOptions(stride: 2, padding: 1)),
      ([1, 24, 14, 14], 64, Conv2dOptions(stride: 2, padding: 1)),
      ([1, 16, 17, 12], 32, Conv2dOptions(stride: (2, 2), padding: (0, 0), endPadding: (1, 1))),
    ]
    for (i, cfg) in cases.enumerated() {
      let x = uniform(cfg.x, UInt64(1600 + i)), w = uniform([cfg.o, cfg.x[1], 3, 3], UInt64(1700 + i))
      let b = uniform([cfg.o], UInt64(1800 + i))
      let reference = directConv2d(x, w, b, cfg.options)
      let residual = uniform(reference.shape, UInt64(1900 + i))
      let packed = try XCTUnwrap(PackedWeights(stridedConvolutionWeight: w.converted(to: .float32)))
      let plain = conv2d(x.converted(to: .float32), weight: w.converted(to: .float32), bias: b.converted(to: .float32),
                         options: cfg.options, packedWeight: packed)
      let atol = 2e-7 * 9 * Double(cfg.x[1])
      assertClose(plain, reference, atol: atol, rtol: 1e-5, "strided \(cfg)")
      let fused = conv2d(x.converted(to: .float32), weight: w.converted(to: .float32), bias: b.converted(to: .float32),
                         options: cfg.options, residual: residual.converted(to: .float32), activation: .relu, packedWeight: packed)
      assertClose(fused, relu(reference + residual), atol: atol, rtol: 1e-5, "strided + residual + relu \(cfg)")
    }
  }

  func testOutputShapes() {
    let x = Tensor.zeros([2, 3, 10, 7])
    func shape(_ w: [Int], _ o: Conv2dOptions) -> [Int] { conv2d(x, weight: Tensor.zeros(w), options: o).shape }
    XCTAssertEqual(shape([4, 3, 3, 3], Conv2dOptions()), [2, 4, 8, 5])
    XCTAssertEqual(shape([4, 3, 3, 3], Conv2dOptions(stride: 2, padding: 1)), [2, 4, 5, 4])
    XCTAssertEqual(shape([4, 3, 3, 3], Conv2dOptions(padding: 2, dilation: 2)), [2, 4, 10, 7])
    XCTAssertEqual(shape([4, 3, 2, 5], Conv2dOptions(stride: (3, 1), padding: (0, 2))), [2, 4, 3, 7])
    XCTAssertEqual(shape([6, 1, 3, 3], Conv2dOptions(padding: 1, groups: 3)), [2, 6, 10, 7])
  }
}

/// Convolution straight from its definition (float64), PyTorch semantics.
func directConv2d(_ x: Tensor, _ w: Tensor, _ b: Tensor?, _ o: Conv2dOptions) -> Tensor {
  let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
  let (oc, cg, kh, kw) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
  let og = oc / o.groups
  let end = o.endPadding ?? o.padding
  let oh = (h + o.padding.0 + end.0 - o.dilation.0 * (kh - 1) - 1) / o.stride.0 + 1
  let ow = (wd + o.padding.1 + end.1 - o.dilation.1 * (kw - 1) - 1) / o.stride.1 + 1
  let xv = x.doubles, wv = w.doubles, bv = b?.doubles
  var out = [Double](repeating: 0, count: n * oc * oh * ow)
  for img in 0..<n {
    for f in 0..<oc {
      let group = f / og
      for r in 0..<oh {
        for s in 0..<ow {
          var acc = bv?[f] ?? 0
          for ci in 0..<cg {
            let ch = group * cg + ci
            for i in 0..<kh {
              let ih = r * o.stride.0 - o.padding.0 + i * o.dilation.0
              guard ih >= 0 && ih < h else { continue }
              for j in 0..<kw {
                let iw = s * o.stride.1 - o.padding.1 + j * o.dilation.1
                guard iw >= 0 && iw < wd else { continue }
                acc += xv[((img * c + ch) * h + ih) * wd + iw] * wv[((f * cg + ci) * kh + i) * kw + j]
              }
            }
          }
          out[((img * oc + f) * oh + r) * ow + s] = acc
        }
      }
    }
  }
  return Tensor(shape: [n, oc, oh, ow], doubles: out)
}
