import Autodiff
import AutodiffTestSupport
import Foundation
import Networks
import ONNX
import XCTest

/// ConvTranspose, Einsum and Conv with uneven padding: one-operator graphs against onnxruntime
/// (Scripts/fixtures/make_onnx_fixtures.py `ops`, tolerance 1e-5 of the largest output), the
/// transposed convolution against a direct float64 scatter loop (1e-12), and both ops' gradients
/// against central finite differences in float64 (`checkGradients` defaults).
final class ONNXOperatorTests: XCTestCase {
  static let graphs: [(name: String, input: [Int])] = [
    ("convtranspose_strided", [1, 3, 5, 6]), ("convtranspose_grouped", [1, 3, 5, 4]),
    ("convtranspose_same", [1, 3, 4, 5]), ("convtranspose_output_shape", [1, 3, 4, 5]),
    ("conv_uneven", [1, 3, 7, 6]), ("conv_uneven_strided", [1, 3, 9, 8]), ("conv_same_upper", [1, 3, 6, 7]),
    ("einsum_qk", [1, 3, 4, 5]), ("einsum_self", [1, 3, 4, 5]), ("einsum_av", [1, 3, 4, 5]),
    ("einsum_bmm", [1, 3, 4, 5]), ("einsum_ellipsis", [1, 3, 4, 5]), ("einsum_implicit", [1, 3, 4, 5]),
  ]

  func testGraphsMatchONNXRuntime() throws {
    for (name, input) in Self.graphs {
      let model = try ONNXClassifier(url: ONNXFixtures.url("ops_\(name).onnx"))
      let y = try model.checkedForward(WeightFormula.tensor("input", input))
      let reference = try ONNXFixtures.tensor("ops_\(name)_logits")
      XCTAssertEqual(y.shape, reference.shape, name)
      let scale = reference.scalars.map { abs(Double($0)) }.max() ?? 1
      XCTAssertLessThanOrEqual(maxAbsDifference(y, reference) / scale, 1e-5, name)
    }
  }

  /// `conv_transpose2d` as the definition: each input pixel scatters the kernel times its
  /// value into the output, then the padding is cut away.
  func directTransposedConvolution(
    _ x: Tensor, _ w: Tensor, _ bias: Tensor?, stride: (Int, Int), padding: [Int], outputPadding: (Int, Int),
    dilation: (Int, Int), groups: Int
  ) -> Tensor {
    let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (og, kh, kw) = (w.shape[1], w.shape[2], w.shape[3])
    let o = og * groups, cg = c / groups
    let fullH = (h - 1) * stride.0 + dilation.0 * (kh - 1) + 1 + outputPadding.0
    let fullW = (wd - 1) * stride.1 + dilation.1 * (kw - 1) + 1 + outputPadding.1
    var full = [Double](repeating: 0, count: n * o * fullH * fullW)
    let xs = x.doubles, ws = w.doubles
    for b in 0..<n { for ci in 0..<c { for i in 0..<h { for j in 0..<wd {
      let g = ci / cg
      for oc in 0..<og { for p in 0..<kh { for q in 0..<kw {
        let (r, s) = (i * stride.0 + p * dilation.0, j * stride.1 + q * dilation.1)
        full[((b * o + g * og + oc) * fullH + r) * fullW + s] += xs[((b * c + ci) * h + i) * wd + j] * ws[((ci * og + oc) * kh + p) * kw + q]
      } } }
    } } } }
    let outH = fullH - padding[0] - padding[2], outW = fullW - padding[1] - padding[3]
    var out = [Double](repeating: 0, count: n * o * outH * outW)
    let bs = bias?.doubles ?? [Double](repeating: 0, count: o)
    for b in 0..<n { for oc in 0..<o { for r in 0..<outH { for s in 0..<outW {
      out[((b * o + oc) * outH + r) * outW + s] = full[((b * o + oc) * fullH + r + padding[0]) * fullW + s + padding[1]] + bs[oc]
    } } } }
    return Tensor(shape: [n, o, outH, outW], doubles: out)
  }

  struct Case {
    let input: [Int], weight: [Int], bias: Bool, stride: (Int, Int), padding: [Int], outputPadding: (Int, Int), dilation: (Int, Int), groups: Int
  }

  static let cases = [
    Case(input: [2, 3, 3, 4], weight: [3, 2, 3, 3], bias: true, stride: (2, 3), padding: [1, 0, 2, 1], outputPadding: (1, 2), dilation: (1, 2), groups: 1),
    Case(input: [1, 4, 3, 3], weight: [4, 1, 2, 3], bias: false, stride: (3, 2), padding: [0, 1, 2, 0], outputPadding: (0, 0), dilation: (2, 1), groups: 2),
    Case(input: [1, 2, 2, 3], weight: [2, 3, 1, 1], bias: true, stride: (1, 1), padding: [0, 0, 0, 0], outputPadding: (0, 0), dilation: (1, 1), groups: 1),
    // Padding wider than the kernel's reach crops the stretched input itself.
    Case(input: [1, 2, 4, 4], weight: [2, 2, 2, 2], bias: false, stride: (2, 2), padding: [2, 3, 1, 2], outputPadding: (1, 1), dilation: (1, 1), groups: 1),
  ]

  func tensors(_ c: Case, seed: UInt64) -> (Tensor, Tensor, Tensor?) {
    let x = Tensor.uniform(c.input, low: -1, high: 1, seed: seed, dtype: .float64)
    let w = Tensor.uniform(c.weight, low: -1, high: 1, seed: seed + 1, dtype: .float64)
    let b = c.bias ? Tensor.uniform([c.weight[1] * c.groups], low: -1, high: 1, seed: seed + 2, dtype: .float64) : nil
    return (x, w, b)
  }

  func testConvTransposeEqualsTheDirectLoop() {
    for (i, c) in Self.cases.enumerated() {
      let (x, w, b) = tensors(c, seed: UInt64(10 * i))
      let y = convTranspose2d(x, weight: w, bias: b, stride: c.stride, padding: c.padding, outputPadding: c.outputPadding, dilation: c.dilation, groups: c.groups)
      let reference = directTransposedConvolution(x, w, b, stride: c.stride, padding: c.padding, outputPadding: c.outputPadding, dilation: c.dilation, groups: c.groups)
      XCTAssertEqual(y.shape, reference.shape, "case \(i)")
      XCTAssertLessThanOrEqual(maxAbsDifference(y, reference), 1e-12, "case \(i)")
    }
  }

  func testConvTransposeGradientsMatchFiniteDifferences() throws {
    for (i, c) in Self.cases.enumerated() {
      let (x, w, b) = tensors(c, seed: UInt64(10 * i + 100))
      let report = try checkGradients([x, w] + (b.map { [$0] } ?? [])) { t in
        convTranspose2d(t[0], weight: t[1], bias: t.count > 2 ? t[2] : nil, stride: c.stride, padding: c.padding,
                        outputPadding: c.outputPadding, dilation: c.dilation, groups: c.groups)
      }
      XCTAssertTrue(report.passed, "case \(i): \(report)")
    }
  }

  /// The uneven paddings of the `conv_*` graphs, as the importer runs them (top and left as the
  /// padding, bottom and right as the end padding, no padded copy).
  func testUnevenConvPaddingGradientsMatchFiniteDifferences() throws {
    let cases: [(input: [Int], weight: [Int], options: Conv2dOptions)] = [
      ([1, 3, 7, 6], [4, 3, 3, 3], Conv2dOptions(stride: (1, 1), padding: (2, 0), endPadding: (1, 2))),
      ([1, 3, 9, 8], [3, 1, 3, 2], Conv2dOptions(stride: (2, 2), padding: (1, 0), dilation: (2, 1), groups: 3, endPadding: (0, 1))),
      ([1, 3, 6, 7], [3, 3, 3, 3], Conv2dOptions(stride: (2, 2), padding: (0, 1), endPadding: (1, 1))),
    ]
    for (k, c) in cases.enumerated() {
      let x = Tensor.uniform(c.input, low: -1, high: 1, seed: UInt64(200 + k), dtype: .float64)
      let w = Tensor.uniform(c.weight, low: -1, high: 1, seed: UInt64(300 + k), dtype: .float64)
      let b = Tensor.uniform([c.weight[0]], low: -1, high: 1, seed: UInt64(400 + k), dtype: .float64)
      let report = try checkGradients([x, w, b]) { t in conv2d(t[0], weight: t[1], bias: t[2], options: c.options) }
      XCTAssertTrue(report.passed, "case \(k): \(report)")
    }
  }

  func testEinsumFormsEqualMatmulAndGradientsMatchFiniteDifferences() throws {
    let forms: [(String, [Int], [Int])] = [
      ("bhid,bhjd->bhij", [2, 3, 4, 5], [2, 3, 6, 5]), ("bhij,bhjd->bhid", [2, 3, 4, 5], [2, 3, 5, 2]),
      ("bij,bjk->bik", [3, 4, 5], [3, 5, 2]), ("...ij,...jk->...ik", [2, 3, 4, 5], [1, 3, 5, 2]),
      ("bhij,hjk", [2, 3, 4, 5], [3, 5, 2]), ("ij,jk->ki", [4, 5], [5, 2]),
    ]
    for (k, (text, sa, sb)) in forms.enumerated() {
      let a = Tensor.uniform(sa, low: -1, high: 1, seed: UInt64(k), dtype: .float64)
      let b = Tensor.uniform(sb, low: -1, high: 1, seed: UInt64(k + 50), dtype: .float64)
      let equation = try EinsumEquation(text)
      let report = try checkGradients([a, b]) { t in try! einsum(equation, t) }
      XCTAssertTrue(report.passed, "\(text): \(report)")
      if text == "bhid,bhjd->bhij" {
        XCTAssertLessThanOrEqual(maxAbsDifference(try einsum(equation, [a, b]), matmul(a, b.transposed())), 1e-12)
      }
      if text == "bhij,hjk" {
        // Implicit output: the letters used once, alphabetically ("bik"); h and j are summed.
        let reference = matmul(a.permuted([0, 2, 1, 3]).reshaped([2, 4, 15]), b.reshaped([15, 2]))
        XCTAssertLessThanOrEqual(maxAbsDifference(try einsum(equation, [a, b]), reference), 1e-12)
      }
    }
    let x = Tensor.uniform([2, 3, 4], low: -1, high: 1, seed: 9, dtype: .float64)
    let report = try checkGradients([x]) { t in try! einsum(try! EinsumEquation("abc->cab"), t) }
    XCTAssertTrue(report.passed, "\(report)")
  }

  func testUnsupportedEinsumIsALoadError() throws {
    let folder = try ONNXFixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    var einsum = GraphBuilder.node("Einsum", ["x"], ["d"])
    var attribute = Onnx_AttributeProto()
    attribute.name = "equation"
    attribute.type = .string
    attribute.s = Data("bcii->bci".utf8)
    einsum.attribute = [attribute]
    let model = GraphBuilder.model(nodes: [einsum, GraphBuilder.node("Flatten", ["d"], ["y"])], output: "y")
    let url = try GraphBuilder.write(model, to: folder)
    XCTAssertThrowsError(try ONNXClassifier(url: url)) { error in
      XCTAssertEqual("\(error)", "\(url.path): unsupported operators: Einsum 'bcii->bci': a label repeats in 'bcii' (1)")
    }
  }
}

/// The runtime's memory and weight preparation on the imported ResNet-50.
final class ONNXRuntimeTests: XCTestCase {
  /// Each activation is freed after its last reader: a pass over ResNet-50's hundreds of values
  /// holds only a residual block's few at once.
  func testActivationsAreFreedAfterTheirLastReader() throws {
    let model = try ONNXFixtures.model("resnet50")
    _ = try model.checkedForward(WeightFormula.tensor("input", [1, 3, 64, 64]))
    XCTAssertGreaterThan(model.layers.count, 100)
    XCTAssertGreaterThan(model.peakLiveValues, 0)
    XCTAssertLessThanOrEqual(model.peakLiveValues, 4, "values held at once")
  }

  /// Convolution and linear weights are prepared once per input size, not on every pass; the
  /// packed path gives the same logits as onnxruntime (ONNXParityTests) on a second pass too.
  func testWeightsArePreparedOnce() throws {
    let model = try ONNXFixtures.model("resnet50")
    let x = WeightFormula.tensor("input", [1, 3, 64, 64])
    let first = try model.checkedForward(x)
    let prepared = model.preparedWeightCount
    let second = try model.checkedForward(x)
    XCTAssertEqual(model.preparedWeightCount, prepared)
    XCTAssertEqual(maxAbsDifference(first, second), 0)
    // Where the packed kernel is in use (AVX-512), each of the 53 convolutions and the classifier.
    XCTAssertEqual(prepared, 54, "prepared weights: the 53 convolutions and the classifier")
  }
}
