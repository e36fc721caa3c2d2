// 2-D max, average and adaptive average pooling over `[N, C, H, W]`, with PyTorch semantics
// (`torch.nn.functional.max_pool2d`, `avg_pool2d`, `adaptive_avg_pool2d`), and their backward
// rules. Average pools are separable linear maps (see Kernels/AxisMap.swift).

/// The output length of a pooling window along one axis, as PyTorch's `pooling_output_shape`.
///
/// With `ceilMode` the last window may overhang the (padded) input, but it must start inside the
/// input or the left padding.
func poolOutputSize(
  _ input: Int, kernel: Int, stride: Int, padding: Int, dilation: Int, ceilMode: Bool, op: String
) -> Int {
  precondition(kernel > 0 && stride > 0 && dilation > 0 && padding >= 0,
               "\(op): kernel, stride and dilation must be positive and padding non-negative")
  let effective = dilation * (kernel - 1) + 1
  // PyTorch's check uses the kernel size, not the dilated extent.
  precondition(padding <= kernel / 2, "\(op): padding \(padding) must be at most half the kernel size \(kernel)")
  let span = input + 2 * padding - effective + (ceilMode ? stride - 1 : 0)
  // Floor division (rounding towards -inf), as PyTorch's div_rtn.
  var out = (span >= 0 ? span / stride : -((-span + stride - 1) / stride)) + 1
  if ceilMode && (out - 1) * stride >= input + padding { out -= 1 }
  precondition(out > 0, "\(op): empty output for input \(input), kernel \(kernel), stride \(stride)")
  return out
}

// MARK: - Max pooling

/// 2-D max pooling, as `torch.nn.functional.max_pool2d`.
///
/// Padding acts as `-inf`. The gradient of each output goes to the input that PyTorch's
/// `return_indices` would name: the first maximum in row-major window scan order (a NaN wins).
///
/// - Parameters:
///   - x: input `[N, C, H, W]`.
///   - kernel: window size (rows, columns).
///   - stride: step between windows; defaults to `kernel`.
///   - padding: implicit `-inf` padding on each side; at most half the kernel (as PyTorch).
///   - dilation: spacing between window taps.
///   - ceilMode: round the output size up (the last window may overhang the input).
/// - Returns: `[N, C, outH, outW]`.
public func maxPool2d(
  _ x: Tensor, kernel: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0),
  dilation: (Int, Int) = (1, 1), ceilMode: Bool = false
) -> Tensor {
  precondition(x.rank == 4, "maxPool2d: input must be [N, C, H, W], got \(x.shape)")
  let s = stride ?? kernel
  let (n, c, inH, inW) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
  let outH = poolOutputSize(inH, kernel: kernel.0, stride: s.0, padding: padding.0, dilation: dilation.0, ceilMode: ceilMode, op: "maxPool2d")
  let outW = poolOutputSize(inW, kernel: kernel.1, stride: s.1, padding: padding.1, dilation: dilation.1, ceilMode: ceilMode, op: "maxPool2d")
  let planes = n * c
  let inPlane = inH * inW, outPlane = outH * outW
  if !Tensor.willRecord(x) {
    let geometry = ConvGeometry(inH: inH, inW: inW, kH: kernel.0, kW: kernel.1, strideH: s.0, strideW: s.1,
                                padH: padding.0, padW: padding.1, dilationH: dilation.0, dilationW: dilation.1)
    switch x.dtype {
    case .float32: return maxPoolValues(x.array(Float.self), planes: planes, geometry, outH: outH, outW: outW, shape: [n, c, outH, outW])
    case .float64: return maxPoolValues(x.array(Double.self), planes: planes, geometry, outH: outH, outW: outW, shape: [n, c, outH, outW])
    }
  }
  var argmax = [Int32](repeating: 0, count: planes * outPlane)

  func run<T: TensorScalar>(_: T.Type) -> Tensor {
    let src = x.array(T.self)
    var out = [T](repeating: 0, count: planes * outPlane)
    src.withUnsafeBufferPointer { sb in
      out.withUnsafeMutableBufferPointer { ob in
        argmax.withUnsafeMutableBufferPointer { ab in
          let sp = sb.baseAddress!, op = ob.baseAddress!, ap = ab.baseAddress!
          parallelChunks(planes, grain: Swift.max(1, 8192 / Swift.max(outPlane * kernel.0 * kernel.1, 1))) { r in
            for p in r {
              let plane = sp + p * inPlane
              for oh in 0..<outH {
                var h0 = oh * s.0 - padding.0
                let h1 = Swift.min(h0 + (kernel.0 - 1) * dilation.0 + 1, inH)
                while h0 < 0 { h0 += dilation.0 }
                for ow in 0..<outW {
                  var w0 = ow * s.1 - padding.1
                  let w1 = Swift.min(w0 + (kernel.1 - 1) * dilation.1 + 1, inW)
                  while w0 < 0 { w0 += dilation.1 }
                  var best = -T.infinity
                  var bestIndex = h0 * inW + w0
                  var h = h0
                  while h < h1 {
                    var w = w0
                    while w < w1 {
                      let v = plane[h * inW + w]
                      if v > best || v.isNaN {
                        best = v
                        bestIndex = h * inW + w
                      }
                      w += dilation.1
                    }
                    h += dilation.0
                  }
                  let o = p * outPlane + oh * outW + ow
                  op[o] = best
                  ap[o] = Int32(bestIndex)
                }
              }
            }
          }
        }
      }
    }
    return Tensor(shape: [n, c, outH, outW], array: out)
  }
  let value: Tensor
  switch x.dtype {
  case .float32: value = run(Float.self)
  case .float64: value = run(Double.self)
  }
  let indices = argmax
  return Tensor.recorded(value, op: "maxPool2d", inputs: [x]) { g, _ in
    [maxPoolScatter(g, indices: indices, inShape: [n, c, inH, inW])]
  }
}

/// Max pooling's values alone (no argmax, for passes that are not recorded), as two separable
/// passes: the maximum down each window's rows for every column (contiguous, so it vectorises),
/// then across each window's columns, one kernel column at a time over the whole output row, on
/// column maxima padded with -infinity so every window reads in bounds (no clipping per window).
/// Each output still takes its window's values in scan order; NaN wins, as in the recorded path.
private func maxPoolValues<T: TensorScalar>(
  _ src: [T], planes: Int, _ g: ConvGeometry, outH: Int, outW: Int, shape: [Int]
) -> Tensor {
  @inline(__always) func larger(_ a: T, _ b: T) -> T { b > a || b.isNaN ? b : a }
  let inPlane = g.inH * g.inW, outPlane = outH * outW
  // Columns of padding to the left and (for the last windows, with ceil mode) to the right.
  let left = g.padW
  let right = Swift.max(0, (outW - 1) * g.strideW + (g.kW - 1) * g.dilationW + 1 - left - g.inW)
  var out = [T](repeating: 0, count: planes * outPlane)
  src.withUnsafeBufferPointer { sb in
    out.withUnsafeMutableBufferPointer { ob in
      let sp = sb.baseAddress!, op = ob.baseAddress!
      parallelChunks(planes, grain: Swift.max(1, 16_384 / Swift.max(inPlane, 1))) { r in
        let padded = UnsafeMutablePointer<T>.allocate(capacity: left + g.inW + right)
        let strided = UnsafeMutablePointer<T>.allocate(capacity: outW)
        defer {
          padded.deallocate()
          strided.deallocate()
        }
        padded.initialize(repeating: -T.infinity, count: left + g.inW + right)
        let column = padded + left
        for p in r {
          let plane = sp + p * inPlane
          for oh in 0..<outH {
            var h = oh * g.strideH - g.padH
            let h1 = Swift.min(h + (g.kH - 1) * g.dilationH + 1, g.inH)
            while h < 0 { h += g.dilationH }
            column.update(repeating: -T.infinity, count: g.inW)
            while h < h1 {
              let row = plane + h * g.inW
              for w in 0..<g.inW { column[w] = larger(column[w], row[w]) }
              h += g.dilationH
            }
            // Output ow's window starts at padded[ow * strideW]. The strided reads are copied out
            // first, so the comparisons run on contiguous values (vectorised, no branches).
            let o = op + p * outPlane + oh * outW
            // ResNet's stem pool (3 wide, stride 2) in one vector pass: 0.25 -> 0.15 ms on
            // ResNet-50's 64 x 112 x 112 (onnxruntime: 0.05).
            if T.self == Float.self, g.kW == 3, g.strideW == 2, g.dilationW == 1,
               VectorMath.maxPoolRowK3S2(UnsafeRawPointer(padded).assumingMemoryBound(to: Float.self),
                                         UnsafeMutableRawPointer(o).assumingMemoryBound(to: Float.self), count: outW) {
              continue
            }
            o.update(repeating: -T.infinity, count: outW)
            for k in 0..<g.kW {
              let start = padded + k * g.dilationW
              for ow in 0..<outW { strided[ow] = start[ow &* g.strideW] }
              for ow in 0..<outW { o[ow] = larger(o[ow], strided[ow]) }
            }
          }
        }
      }
    }
  }
  return Tensor(shape: shape, array: out)
}

/// `maxPool2d` with the same value for rows and columns.
public func maxPool2d(
  _ x: Tensor, kernel: Int, stride: Int? = nil, padding: Int = 0, dilation: Int = 1,
  ceilMode: Bool = false
) -> Tensor {
  maxPool2d(
    x, kernel: (kernel, kernel), stride: stride.map { ($0, $0) }, padding: (padding, padding),
    dilation: (dilation, dilation), ceilMode: ceilMode)
}

/// The backward of max pooling: each output gradient is added at its argmax (windows may overlap).
private func maxPoolScatter(_ g: Tensor, indices: [Int32], inShape: [Int]) -> Tensor {
  let planes = inShape[0] * inShape[1]
  let inPlane = inShape[2] * inShape[3]
  let outPlane = g.count / Swift.max(planes, 1)
  func run<T: TensorScalar>(_: T.Type) -> Tensor {
    let gs = g.array(T.self)
    var dx = [T](repeating: 0, count: planes * inPlane)
    gs.withUnsafeBufferPointer { gb in
      indices.withUnsafeBufferPointer { ib in
        dx.withUnsafeMutableBufferPointer { db in
          let gp = gb.baseAddress!, ip = ib.baseAddress!, dp = db.baseAddress!
          parallelChunks(planes, grain: Swift.max(1, 16_384 / Swift.max(outPlane, 1))) { r in
            for p in r {
              let d = dp + p * inPlane
              for o in (p * outPlane)..<((p + 1) * outPlane) { d[Int(ip[o])] += gp[o] }
            }
          }
        }
      }
    }
    return Tensor(shape: inShape, array: dx)
  }
  switch g.dtype {
  case .float32: return run(Float.self)
  case .float64: return run(Double.self)
  }
}

// MARK: - Average pooling

/// The averaging map of one axis of `avg_pool2d`: window `[o*s - p, o*s - p + k)` clipped to the
/// padded input, divided by its padded size (`countIncludePad`) or by its in-image size.
private func averageMap(
  _ input: Int, kernel: Int, stride: Int, padding: Int, ceilMode: Bool, countIncludePad: Bool
) -> AxisMap {
  let out = poolOutputSize(input, kernel: kernel, stride: stride, padding: padding, dilation: 1, ceilMode: ceilMode, op: "avgPool2d")
  let outputs = (0..<out).map { o -> [(index: Int, weight: Double)] in
    var start = o * stride - padding
    var end = Swift.min(start + kernel, input + padding)
    let padded = end - start
    start = Swift.max(start, 0)
    end = Swift.min(end, input)
    guard end > start else { return [] }
    let weight = 1 / Double(countIncludePad ? padded : end - start)
    return (start..<end).map { (index: $0, weight: weight) }
  }
  return AxisMap(inSize: input, outputs: outputs)
}

/// 2-D average pooling, as `torch.nn.functional.avg_pool2d` (no `divisor_override`).
///
/// Each output is the mean of its window. With `countIncludePad` the divisor is the window size
/// clipped to the padded input (zero padding counts); otherwise it is the number of input pixels
/// in the window. With `ceilMode` an overhanging last window is clipped before dividing, as in
/// PyTorch.
///
/// - Parameters:
///   - x: input `[N, C, H, W]`.
///   - kernel: window size (rows, columns).
///   - stride: step between windows; defaults to `kernel`.
///   - padding: implicit zero padding on each side; at most half the kernel.
/// - Returns: `[N, C, outH, outW]`.
public func avgPool2d(
  _ x: Tensor, kernel: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0),
  ceilMode: Bool = false, countIncludePad: Bool = true
) -> Tensor {
  precondition(x.rank == 4, "avgPool2d: input must be [N, C, H, W], got \(x.shape)")
  let s = stride ?? kernel
  let hMap = averageMap(x.shape[2], kernel: kernel.0, stride: s.0, padding: padding.0, ceilMode: ceilMode, countIncludePad: countIncludePad)
  let wMap = averageMap(x.shape[3], kernel: kernel.1, stride: s.1, padding: padding.1, ceilMode: ceilMode, countIncludePad: countIncludePad)
  return separable2d(x, hMap: hMap, wMap: wMap, op: "avgPool2d")
}

/// `avgPool2d` with the same value for rows and columns.
public func avgPool2d(
  _ x: Tensor, kernel: Int, stride: Int? = nil, padding: Int = 0, ceilMode: Bool = false,
  countIncludePad: Bool = true
) -> Tensor {
  avgPool2d(
    x, kernel: (kernel, kernel), stride: stride.map { ($0, $0) }, padding: (padding, padding),
    ceilMode: ceilMode, countIncludePad: countIncludePad)
}

// MARK: - Adaptive average pooling

/// The map of one axis of `adaptive_avg_pool2d`: output `i` averages inputs
/// `floor(i * in / out) ..< ceil((i + 1) * in / out)`.
private func adaptiveMap(_ input: Int, _ output: Int) -> AxisMap {
  let outputs = (0..<output).map { i -> [(index: Int, weight: Double)] in
    let start = (i * input) / output
    let end = ((i + 1) * input + output - 1) / output
    let weight = 1 / Double(end - start)
    return (start..<end).map { (index: $0, weight: weight) }
  }
  return AxisMap(inSize: input, outputs: outputs)
}

/// Adaptive 2-D average pooling, as `torch.nn.functional.adaptive_avg_pool2d`.
///
/// Output pixel `(i, j)` averages input rows `floor(i*H/outH) ..< ceil((i+1)*H/outH)` and the
/// matching columns, so windows may overlap or differ in size when sizes do not divide.
///
/// - Parameters:
///   - x: input `[N, C, H, W]`.
///   - outputSize: `(outH, outW)`, each positive (larger than the input is allowed).
/// - Returns: `[N, C, outH, outW]`.
public func adaptiveAvgPool2d(_ x: Tensor, outputSize: (Int, Int)) -> Tensor {
  precondition(x.rank == 4, "adaptiveAvgPool2d: input must be [N, C, H, W], got \(x.shape)")
  precondition(outputSize.0 > 0 && outputSize.1 > 0, "adaptiveAvgPool2d: output size must be positive, got \(outputSize)")
  precondition(x.shape[2] > 0 && x.shape[3] > 0, "adaptiveAvgPool2d: empty input \(x.shape)")
  let hMap = adaptiveMap(x.shape[2], outputSize.0)
  let wMap = adaptiveMap(x.shape[3], outputSize.1)
  return separable2d(x, hMap: hMap, wMap: wMap, op: "adaptiveAvgPool2d")
}
