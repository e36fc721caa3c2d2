import Autodiff
import Networks

/// Convolution, pooling and the dense layers (`Gemm`, `MatMul`).
enum ConvolutionOperators {
  static let table: [String: Operator] = [
    "Conv": { call in [try conv(call)] },
    "ConvTranspose": { call in [try convTranspose(call)] },
    "Einsum": { call in
      let equation = try einsumEquation(call.node)
      let operands = try call.inputs.indices.map { try call.float($0) }
      do {
        return [Value(try einsum(equation, operands))]
      } catch let error as EinsumEquation.Unsupported {
        throw GraphError("Einsum '\(equation.text)': \(error.description)")
      }
    },
    "MaxPool": { call in
      let x = try call.float(0)
      guard x.rank == 4, let k = call.node.ints("kernel_shape"), k.count == 2 else {
        throw GraphError("MaxPool: only 2-D pooling of [N, C, H, W] is supported (input \(x.shape))")
      }
      let g = try Window(call.node, input: x.shape, kernel: (k[0], k[1]))
      // The op pads by at most half the kernel; wider or uneven padding is applied first.
      try g.checkFits(x.shape, kernel: (k[0], k[1]), "MaxPool")
      let inline = g.symmetric && g.pads[0] * 2 <= k[0] && g.pads[1] * 2 <= k[1]
      let padded = inline ? x : try g.explicitlyPadded(x, value: -.infinity, force: true)
      return [Value(maxPool2d(
        padded, kernel: (k[0], k[1]), stride: (g.strides[0], g.strides[1]),
        padding: inline ? (g.pads[0], g.pads[1]) : (0, 0), dilation: (g.dilations[0], g.dilations[1]),
        ceilMode: call.node.int("ceil_mode", default: 0) == 1))]
    },
    "AveragePool": { call in
      let x = try call.float(0)
      guard x.rank == 4, let k = call.node.ints("kernel_shape"), k.count == 2 else {
        throw GraphError("AveragePool: only 2-D pooling of [N, C, H, W] is supported (input \(x.shape))")
      }
      let g = try Window(call.node, input: x.shape, kernel: (k[0], k[1]))
      try g.checkFits(x.shape, kernel: (k[0], k[1]), "AveragePool")
      let includePad = call.node.int("count_include_pad", default: 0) == 1
      guard g.symmetric || includePad else {
        throw GraphError("AveragePool: uneven padding \(g.allPads) without count_include_pad is not supported")
      }
      let padded = try g.explicitlyPadded(x, value: 0)
      return [Value(avgPool2d(
        padded, kernel: (k[0], k[1]), stride: (g.strides[0], g.strides[1]),
        padding: g.symmetric ? (g.pads[0], g.pads[1]) : (0, 0),
        ceilMode: call.node.int("ceil_mode", default: 0) == 1, countIncludePad: includePad))]
    },
    "GlobalAveragePool": { call in
      let x = try call.float(0)
      guard x.rank >= 3 else { throw GraphError("GlobalAveragePool: input \(x.shape) has no spatial axes") }
      return [Value(x.mean(alongAxes: Array(2..<x.rank), keepingDimensions: true))]
    },
    "GlobalMaxPool": { call in
      let x = try call.float(0)
      guard x.rank >= 3 else { throw GraphError("GlobalMaxPool: input \(x.shape) has no spatial axes") }
      return [Value(x.max(alongAxes: Array(2..<x.rank), keepingDimensions: true))]
    },
    "Gemm": { call in
      var a = try call.float(0), b = try call.float(1)
      guard a.rank == 2, b.rank == 2 else { throw GraphError("Gemm: operands \(a.shape) and \(b.shape) are not matrices") }
      let transA = call.node.int("transA", default: 0) == 1, transB = call.node.int("transB", default: 0) == 1
      let alpha = call.node.float("alpha", default: 1), beta = call.node.float("beta", default: 1)
      if transA { a = a.transposed() }
      let k = transB ? b.shape[1] : b.shape[0]
      guard a.shape[1] == k else { throw GraphError("Gemm: inner dimensions differ: \(a.shape) x \(b.shape)\(transB ? "^T" : "")") }
      let n = transB ? b.shape[0] : b.shape[1]
      var c = try call.optional(2).map { $0.float }
      if let bias = c { _ = try broadcastShape(bias.shape, [a.shape[0], n], "Gemm") }
      if beta != 1 { c = c.map { $0 * beta } }
      // The layer's weight [out, in], packed once when it is a constant.
      let prepared = call.prepared(input: 1, transB ? "linear[out,in]" : "linear") {
        let w = transB ? b : b.transposed()
        return (w, PackedWeights(linearWeight: w))
      }
      let weight = prepared?.weight ?? (transB ? b : b.transposed())
      var y: Tensor
      if alpha == 1, let bias = c, bias.shape == [n] {
        // The PyTorch Linear form: x W^T + b.
        return [Value(linear(a, weight: weight, bias: bias, packedWeight: prepared?.packed))]
      }
      y = linear(a, weight: weight, packedWeight: prepared?.packed)
      if alpha != 1 { y = y * alpha }
      if let bias = c { y = y + bias }
      return [Value(y)]
    },
    "MatMul": { call in
      var a = try call.float(0), b = try call.float(1)
      let vectorA = a.rank == 1, vectorB = b.rank == 1
      if vectorA { a = a.reshaped([1, a.shape[0]]) }
      if vectorB { b = b.reshaped([b.shape[0], 1]) }
      guard a.rank >= 2, b.rank >= 2, a.shape[a.rank - 1] == b.shape[b.rank - 2] else {
        throw GraphError("MatMul: inner dimensions differ: \(a.shape) x \(b.shape)")
      }
      _ = try broadcastShape(Array(a.shape.dropLast(2)), Array(b.shape.dropLast(2)), "MatMul")
      // A constant right-hand matrix (a linear layer's weight) takes the linear path.
      var y: Tensor
      if b.rank == 2 && !b.isTracked {
        let prepared = call.prepared(input: 1, "linear") { (b.transposed(), PackedWeights(linearWeight: b.transposed())) }
        y = linear(a, weight: prepared?.weight ?? b.transposed(), packedWeight: prepared?.packed)
      } else {
        y = matmul(a, b)
      }
      if vectorA { y = y.squeezingShape(at: -2) }
      if vectorB { y = y.squeezingShape(at: -1) }
      return [Value(y)]
    },
  ]

  /// A 2-D convolution, optionally with a residual added and a ReLU applied in the same pass
  /// (the runner fuses `Conv -> Relu` and `Conv -> Add -> Relu` when no one taps the middle).
  static func conv(_ call: OperatorCall, residual: Tensor? = nil, activation: FusedActivation = .none) throws -> Value {
    let x = try call.float(0), w = try call.float(1)
    let bias = try call.optional(2).map { $0.float }
    guard x.rank == 4, w.rank == 4 else {
      throw GraphError("Conv: only 2-D convolutions are supported (input \(x.shape), weight \(w.shape))")
    }
    let groups = call.node.int("group", default: 1)
    guard groups >= 1, groups <= call.limits.maxDimension, x.shape[1] % groups == 0, w.shape[0] % groups == 0, w.shape[1] * groups == x.shape[1] else {
      throw GraphError("Conv: input \(x.shape) does not match weight \(w.shape) with \(groups) group(s)")
    }
    if let bias, bias.shape != [w.shape[0]] { throw GraphError("Conv: bias \(bias.shape) for \(w.shape[0]) output channels") }
    let kernel = (w.shape[2], w.shape[3])
    let g = try Window(call.node, input: x.shape, kernel: kernel)
    try g.checkFits(x.shape, kernel: kernel, "Conv")
    // Uneven padding (top != bottom or left != right) is read in place as the end padding.
    let options = Conv2dOptions(
      stride: (g.strides[0], g.strides[1]), padding: (g.allPads[0], g.allPads[1]), dilation: (g.dilations[0], g.dilations[1]),
      groups: groups, endPadding: g.symmetric ? nil : (g.allPads[2], g.allPads[3]))
    let effH = (kernel.0 - 1) * g.dilations[0] + 1, effW = (kernel.1 - 1) * g.dilations[1] + 1
    let outShape = [x.shape[0], w.shape[0], (x.shape[2] + g.allPads[0] + g.allPads[2] - effH) / g.strides[0] + 1,
                    (x.shape[3] + g.allPads[1] + g.allPads[3] - effW) / g.strides[1] + 1]
    if let residual, residual.shape != outShape { throw GraphError("Conv: residual \(residual.shape) does not match the output") }
    // The weight packed once (Winograd-transformed, or in channel strips for the strided kernel,
    // where that pays, as the native layers do).
    let winograd = winogradPays(w, options, input: x), strided = !winograd && PackedWeights.stridedConvolutionPays(w, options)
    let packed = groups == 1 ? call.prepared(input: 1, winograd ? "winograd" : strided ? "strided" : "conv") {
      (w, winograd ? PackedWeights(winogradWeight: w)
        : strided ? PackedWeights(stridedConvolutionWeight: w) : PackedWeights(convolutionWeight: w))
    }?.packed : nil
    return Value(conv2d(x, weight: w, bias: bias, options: options, residual: residual, activation: activation, packedWeight: packed))
  }
}

extension ConvolutionOperators {
  /// The node's einsum equation, or an error naming why it is not supported.
  static func einsumEquation(_ node: GraphNode) throws -> EinsumEquation {
    let text = node.string("equation", default: "")
    do {
      return try EinsumEquation(text)
    } catch let error as EinsumEquation.Unsupported {
      throw GraphError("Einsum '\(text)': \(error.description)")
    }
  }

  /// A 2-D transposed convolution: `pads` (or `output_shape` / `auto_pad`) remove output
  /// borders, `output_padding` adds to the bottom and right.
  static func convTranspose(_ call: OperatorCall) throws -> Value {
    let x = try call.float(0), w = try call.float(1)
    let bias = try call.optional(2).map { $0.float }
    guard x.rank == 4, w.rank == 4 else {
      throw GraphError("ConvTranspose: only 2-D convolutions are supported (input \(x.shape), weight \(w.shape))")
    }
    let node = call.node
    let groups = node.int("group", default: 1)
    guard groups >= 1, groups <= call.limits.maxDimension, x.shape[1] % groups == 0, w.shape[0] == x.shape[1] else {
      throw GraphError("ConvTranspose: input \(x.shape) does not match weight \(w.shape) with \(groups) group(s)")
    }
    let o = w.shape[1] * groups
    if let bias, bias.shape != [o] { throw GraphError("ConvTranspose: bias \(bias.shape) for \(o) output channels") }
    let strides = node.ints("strides") ?? [1, 1], dilations = node.ints("dilations") ?? [1, 1]
    let declaredPadding = node.ints("output_padding") ?? [0, 0]
    var outputPadding = declaredPadding
    let kernel = [w.shape[2], w.shape[3]]
    guard strides.count == 2, dilations.count == 2, outputPadding.count == 2,
          strides.allSatisfy({ $0 >= 1 && $0 <= 1 << 12 }), dilations.allSatisfy({ $0 >= 1 && $0 <= 1 << 12 }),
          zip(outputPadding, zip(strides, dilations)).allSatisfy({ $0 >= 0 && ($0 < $1.0 || $0 < $1.1) }),
          kernel.allSatisfy({ $0 >= 1 }) else {
      throw GraphError("ConvTranspose: invalid strides \(strides), dilations \(dilations), output_padding \(outputPadding) or kernel \(kernel)")
    }
    let input = [x.shape[2], x.shape[3]]
    // The stretched, padded input is the largest intermediate.
    var stretched: [Int] = [], full: [Int] = []
    for i in 0..<2 {
      let reach: Int = (kernel[i] - 1) * dilations[i]
      let inner: Int = (input[i] - 1) * strides[i] + 1
      stretched.append(inner + 2 * reach + outputPadding[i])
      full.append(inner + reach + outputPadding[i])
    }
    try call.limits.check(shape: [x.shape[0], x.shape[1]] + stretched, "ConvTranspose's stretched input")
    let auto = node.string("auto_pad", default: "NOTSET")
    var pads: [Int]
    let same: [Int]? = auto.hasPrefix("SAME") ? [input[0] * strides[0], input[1] * strides[1]] : nil
    if let shape = node.ints("output_shape") ?? same {
      let target = Array(shape.suffix(2))
      guard target.count == 2 else { throw GraphError("ConvTranspose: invalid output_shape \(shape)") }
      pads = [0, 0, 0, 0]
      for i in 0..<2 {
        // A target beyond the full output extends it at the end (as onnxruntime: zeros plus bias).
        let total = full[i] - target[i]
        guard total >= 0 else {
          guard -total <= call.limits.maxDimension else { throw GraphError("ConvTranspose: invalid output_shape \(shape)") }
          outputPadding[i] -= total
          continue
        }
        let small = total / 2, large = total - small
        (pads[i], pads[i + 2]) = auto == "SAME_UPPER" ? (small, large) : (large, small)
      }
    } else {
      guard auto == "NOTSET" || auto == "VALID" else { throw GraphError("ConvTranspose: unknown auto_pad '\(auto)'") }
      pads = auto == "VALID" ? [0, 0, 0, 0] : node.ints("pads") ?? [0, 0, 0, 0]
    }
    guard pads.count == 4, pads.allSatisfy({ $0 >= 0 && $0 <= 1 << 16 }), pads[0] + pads[2] < full[0], pads[1] + pads[3] < full[1] else {
      throw GraphError("ConvTranspose: pads \(pads) leave no output of \(full)")
    }
    // Each border crop must leave part of the stretched input.
    for i in 0..<2 {
      let stretched = (input[i] - 1) * strides[i] + 1, reach = (kernel[i] - 1) * dilations[i]
      guard pads[i] - reach < stretched, pads[i + 2] - reach - outputPadding[i] < stretched - Swift.max(pads[i] - reach, 0) else {
        throw GraphError("ConvTranspose: pads \(pads) crop the whole input \(x.shape)")
      }
    }
    var outShape: [Int] = [x.shape[0], o]
    for i in 0..<2 {
      let size: Int = full[i] + outputPadding[i] - declaredPadding[i]
      outShape.append(size - pads[i] - pads[i + 2])
    }
    try call.limits.check(shape: outShape, "ConvTranspose's output")
    return Value(convTranspose2d(
      x, weight: w, bias: bias, stride: (strides[0], strides[1]), padding: pads,
      outputPadding: (outputPadding[0], outputPadding[1]), dilation: (dilations[0], dilations[1]), groups: groups))
  }
}

/// Strides, dilations and padding of a 2-D convolution or pooling window, with `auto_pad`
/// resolved for the input size.
struct Window {
  let strides: [Int], dilations: [Int]
  /// ONNX order: top, left, bottom, right.
  let allPads: [Int]
  var pads: [Int] { Array(allPads[0..<2]) }
  var symmetric: Bool { allPads[0] == allPads[2] && allPads[1] == allPads[3] }

  init(_ node: GraphNode, input: [Int], kernel: (Int, Int)) throws {
    strides = node.ints("strides") ?? [1, 1]
    dilations = node.ints("dilations") ?? [1, 1]
    // Bounded so the window arithmetic below cannot overflow on values from the file.
    let bounded = { (v: Int) in v >= 1 && v <= 1 << 16 }
    guard strides.count == 2, dilations.count == 2, strides.allSatisfy(bounded), dilations.allSatisfy(bounded),
          bounded(kernel.0), bounded(kernel.1) else {
      throw GraphError("\(node.opType): invalid strides \(strides), dilations \(dilations) or kernel \(kernel)")
    }
    let auto = node.string("auto_pad", default: "NOTSET")
    switch auto {
    case "NOTSET":
      allPads = node.ints("pads") ?? [0, 0, 0, 0]
    case "VALID":
      allPads = [0, 0, 0, 0]
    case "SAME_UPPER", "SAME_LOWER":
      var p = [0, 0, 0, 0]
      for (i, (size, k)) in zip([input[2], input[3]], [kernel.0, kernel.1]).enumerated() {
        let out = (size + strides[i] - 1) / strides[i]
        let total = Swift.max((out - 1) * strides[i] + (k - 1) * dilations[i] + 1 - size, 0)
        let small = total / 2, large = total - small
        (p[i], p[i + 2]) = auto == "SAME_UPPER" ? (small, large) : (large, small)
      }
      allPads = p
    default:
      throw GraphError("\(node.opType): unknown auto_pad '\(auto)'")
    }
    guard allPads.count == 4, allPads.allSatisfy({ $0 >= 0 && $0 <= 1 << 16 }) else {
      throw GraphError("\(node.opType): invalid pads \(allPads)")
    }
  }

  /// Throws when the window does not fit the padded input once.
  func checkFits(_ shape: [Int], kernel: (Int, Int), _ op: String) throws {
    let h = shape[2] + allPads[0] + allPads[2] - (kernel.0 - 1) * dilations[0] - 1
    let w = shape[3] + allPads[1] + allPads[3] - (kernel.1 - 1) * dilations[1] - 1
    guard h >= 0, w >= 0 else { throw GraphError("\(op): a \(kernel.0)x\(kernel.1) window does not fit input \(shape)") }
  }

  /// `x` padded explicitly when the padding is uneven (or `force`), else `x`.
  func explicitlyPadded(_ x: Tensor, value: Double, force: Bool = false) throws -> Tensor {
    guard !symmetric || force, allPads.contains(where: { $0 > 0 }) else { return x }
    return pad(x, [(allPads[0], allPads[2]), (allPads[1], allPads[3])], value: value)
  }
}
