import Autodiff

/// Convolution, pooling and the dense layers (`Gemm`, `MatMul`).
enum ConvolutionOperators {
  static let table: [String: Operator] = [
    "Conv": { call in [try conv(call)] },
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
      var y: Tensor
      if alpha == 1, let bias = c, bias.shape == [n] {
        // The PyTorch Linear form: x W^T + b.
        y = linear(a, weight: transB ? b : b.transposed(), bias: bias)
        return [Value(y)]
      }
      if !transB { b = b.transposed() }
      y = linear(a, weight: b)
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
      var y = b.rank == 2 && !b.isTracked ? linear(a, weight: b.transposed()) : matmul(a, b)
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
    guard groups >= 1, x.shape[1] % groups == 0, w.shape[0] % groups == 0, w.shape[1] * groups == x.shape[1] else {
      throw GraphError("Conv: input \(x.shape) does not match weight \(w.shape) with \(groups) group(s)")
    }
    if let bias, bias.shape != [w.shape[0]] { throw GraphError("Conv: bias \(bias.shape) for \(w.shape[0]) output channels") }
    let kernel = (w.shape[2], w.shape[3])
    let g = try Window(call.node, input: x.shape, kernel: kernel)
    try g.checkFits(x.shape, kernel: kernel, "Conv")
    let padded = try g.explicitlyPadded(x, value: 0)
    let (ph, pw) = g.symmetric ? (g.pads[0], g.pads[1]) : (0, 0)
    let effH = (kernel.0 - 1) * g.dilations[0] + 1, effW = (kernel.1 - 1) * g.dilations[1] + 1
    guard padded.shape[2] + 2 * ph >= effH, padded.shape[3] + 2 * pw >= effW else {
      throw GraphError("Conv: a \(kernel.0)x\(kernel.1) kernel does not fit input \(x.shape)")
    }
    let options = Conv2dOptions(
      stride: (g.strides[0], g.strides[1]), padding: (ph, pw), dilation: (g.dilations[0], g.dilations[1]), groups: groups)
    if let residual, residual.shape != [x.shape[0], w.shape[0], (padded.shape[2] + 2 * ph - effH) / g.strides[0] + 1, (padded.shape[3] + 2 * pw - effW) / g.strides[1] + 1] {
      throw GraphError("Conv: residual \(residual.shape) does not match the output")
    }
    return Value(conv2d(padded, weight: w, bias: bias, options: options, residual: residual, activation: activation))
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
    guard strides.count == 2, dilations.count == 2, strides.allSatisfy({ $0 >= 1 }), dilations.allSatisfy({ $0 >= 1 }),
          kernel.0 >= 1, kernel.1 >= 1 else {
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
