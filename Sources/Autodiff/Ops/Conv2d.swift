// 2-D convolution (PyTorch conv2d semantics) by im2col + GEMM, with direct kernels for
// depthwise convolutions, and its backward rule for input, weight and bias.

internal import CKernels

/// Options of a 2-D convolution, as in `torch.nn.functional.conv2d`.
public struct Conv2dOptions: Equatable, Sendable {
  /// Step between windows (rows, columns).
  public var stride: (Int, Int)
  /// Zero padding added on each side (rows, columns); with `endPadding`, before the first row
  /// and column only (top, left).
  public var padding: (Int, Int)
  /// Zero padding after the last row and column (bottom, right) when it differs from `padding`,
  /// as TensorFlow's "same" padding splits an odd total (the odd pixel after); nil = `padding`.
  /// The convolution reads the padding in place: no padded copy of the input is made.
  public var endPadding: (Int, Int)?
  /// Spacing between kernel taps (rows, columns).
  public var dilation: (Int, Int)
  /// Number of channel groups; `groups == channels` is a depthwise convolution.
  public var groups: Int

  /// Creates options; square values apply to both dimensions.
  public init(stride: Int = 1, padding: Int = 0, dilation: Int = 1, groups: Int = 1) {
    self.init(stride: (stride, stride), padding: (padding, padding), dilation: (dilation, dilation), groups: groups)
  }

  /// Creates options with separate row and column values (and `endPadding` when the padding
  /// after the last row and column differs).
  public init(stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int) = (1, 1), groups: Int = 1,
              endPadding: (Int, Int)? = nil) {
    self.stride = stride
    self.padding = padding
    self.endPadding = endPadding
    self.dilation = dilation
    self.groups = groups
  }

  public static func == (a: Conv2dOptions, b: Conv2dOptions) -> Bool {
    a.stride == b.stride && a.padding == b.padding && (a.endPadding ?? a.padding) == (b.endPadding ?? b.padding)
      && a.dilation == b.dilation && a.groups == b.groups
  }
}

/// An activation applied in the same pass as a convolution's bias (saves a pass over memory).
public enum FusedActivation: Sendable {
  case none
  case relu
}

/// 2-D convolution (cross-correlation, as PyTorch).
///
/// - Parameters:
///   - x: input `[N, C, H, W]`.
///   - weight: `[O, C / groups, kH, kW]` (PyTorch OIHW layout).
///   - bias: `[O]` or nil.
///   - options: stride, padding, dilation and groups.
///   - activation: applied after the bias (and residual), in the same pass (`relu(conv2d(...))` fused).
///   - residual: added after the bias and before the activation, in the same pass (a ResNet
///     block's `relu(bn3(conv3(h)) + identity)`); the output's shape.
///   - packedWeight: `weight` packed for the GEMM kernel (`PackedWeights(convolutionWeight:)`),
///     which the forward pass then reads instead of packing `weight` again; gradients still use
///     `weight`.
/// - Returns: `[N, O, outH, outW]`.
public func conv2d(
  _ x: Tensor, weight: Tensor, bias: Tensor? = nil, options: Conv2dOptions = Conv2dOptions(),
  residual: Tensor? = nil, activation: FusedActivation = .none, packedWeight: PackedWeights? = nil
) -> Tensor {
  precondition(x.rank == 4, "conv2d: input must be [N, C, H, W], got \(x.shape)")
  precondition(weight.rank == 4, "conv2d: weight must be [O, C/groups, kH, kW], got \(weight.shape)")
  precondition(x.dtype == weight.dtype, "conv2d: input is \(x.dtype) but weight is \(weight.dtype)")
  let (n, c) = (x.shape[0], x.shape[1])
  let (o, cg) = (weight.shape[0], weight.shape[1])
  let groups = options.groups
  precondition(
    groups >= 1 && c % groups == 0 && o % groups == 0 && cg == c / groups,
    "conv2d: input has \(c) channels, weight \(weight.shape) expects \(cg * groups) with \(groups) group(s)")
  if let bias {
    precondition(bias.shape == [o], "conv2d: bias must be [\(o)], got \(bias.shape)")
    precondition(bias.dtype == x.dtype, "conv2d: bias is \(bias.dtype) but input is \(x.dtype)")
  }
  let geometry = ConvGeometry(
    inH: x.shape[2], inW: x.shape[3], kH: weight.shape[2], kW: weight.shape[3],
    strideH: options.stride.0, strideW: options.stride.1, padH: options.padding.0,
    padW: options.padding.1, dilationH: options.dilation.0, dilationW: options.dilation.1,
    padBottom: options.endPadding?.0, padRight: options.endPadding?.1)
  precondition(
    geometry.padBottom >= 0 && geometry.padRight >= 0,
    "conv2d: end padding must be non-negative, got \(geometry.padBottom), \(geometry.padRight)")
  precondition(
    geometry.outH > 0 && geometry.outW > 0,
    "conv2d: a \(geometry.kH)x\(geometry.kW) kernel does not fit input \(x.shape) with padding \(options.padding)")
  if let packedWeight {
    precondition(packedWeight.role != .rightTransposed && packedWeight.shape == weight.shape && groups == 1,
                 "conv2d: the packed weight \(packedWeight.shape) is not this convolution's weight \(weight.shape)")
    precondition(packedWeight.role != .winograd || (options.stride == (1, 1) && options.dilation == (1, 1) && geometry.isSymmetric),
                 "conv2d: Winograd weights need stride 1, dilation 1 and even padding, got \(options.stride), \(options.dilation) and \(options)")
    precondition(packedWeight.role != .strided || (options.stride == (2, 2) && options.dilation == (1, 1)),
                 "conv2d: strided-kernel weights need stride 2 and dilation 1, got \(options.stride) and \(options.dilation)")
  }
  let conv = ConvPlan(n: n, c: c, o: o, groups: groups, geometry: geometry)
  if let residual {
    precondition(residual.shape == conv.outShape, "conv2d: residual must be \(conv.outShape), got \(residual.shape)")
    precondition(residual.dtype == x.dtype, "conv2d: residual is \(residual.dtype) but input is \(x.dtype)")
  }
  let relu = activation == .relu
  let value = conv.forward(x, weight, bias: bias, residual: residual, relu: relu, packed: packedWeight)
  var inputs = [x, weight]
  if let bias { inputs.append(bias) }
  if let residual { inputs.append(residual) }
  let op = "conv2d" + (residual == nil ? "" : "+residual") + (relu ? "+relu" : "")
  return Tensor.recorded(value, op: op, inputs: inputs) { g, needs in
    // Through the fused ReLU first: the gradient passes where the output is positive.
    let gz = relu ? g * value.mapped(StepKernel()) : g
    var grads = [needs[0] ? conv.inputGradient(gz, weight) : nil, needs[1] ? conv.weightGradient(gz, x) : nil]
    if bias != nil { grads.append(needs[2] ? gz.sum(alongAxes: [0, 2, 3]) : nil) }
    if residual != nil { grads.append(needs[grads.count] ? gz : nil) }
    return grads
  }
}

/// The sizes of one convolution call, shared by its forward and backward kernels.
struct ConvPlan {
  let n: Int, c: Int, o: Int, groups: Int
  let geometry: ConvGeometry

  var cg: Int { c / groups }
  var og: Int { o / groups }
  var k: Int { cg * geometry.kH * geometry.kW }
  var outPlane: Int { geometry.outH * geometry.outW }
  var inPlane: Int { geometry.inH * geometry.inW }
  var outShape: [Int] { [n, o, geometry.outH, geometry.outW] }
  var isDepthwise: Bool { groups == c && cg == 1 && o == c }
  /// A 1x1 stride-1 unpadded convolution reads its input directly as the column matrix.
  var isPointwise: Bool {
    geometry.kH == 1 && geometry.kW == 1 && geometry.strideH == 1 && geometry.strideW == 1
      && geometry.padH == 0 && geometry.padW == 0 && geometry.isSymmetric
  }

  func forward(_ x: Tensor, _ w: Tensor, bias: Tensor?, residual: Tensor? = nil, relu: Bool, packed: PackedWeights? = nil) -> Tensor {
    switch x.dtype {
    case .float32:
      return Tensor(shape: outShape, array: forward(
        x.array(Float.self), w.array(Float.self), bias?.array(Float.self), residual?.array(Float.self), relu: relu, packed: packed))
    case .float64:
      return Tensor(shape: outShape, array: forward(
        x.array(Double.self), w.array(Double.self), bias?.array(Double.self), residual?.array(Double.self), relu: relu))
    }
  }

  /// Adds the bias of each output channel and the residual and applies the activation, in one
  /// pass (for the paths whose product has no fused epilogue).
  private func epilogue<T: TensorScalar>(_ out: inout [T], _ bias: [T]?, _ residual: [T]?, relu: Bool) {
    guard bias != nil || residual != nil || relu else { return }
    let plane = outPlane, channels = o
    out.withUnsafeMutableBufferPointer { ob in
      withOptionalBuffer(residual) { rp in
        let p = ob.baseAddress!
        parallelChunks(n * channels, grain: max(1, 32_768 / max(plane, 1))) { r in
          for q in r {
            let b = bias?[q % channels] ?? 0
            let base = q * plane
            for i in 0..<plane {
              var v = p[base + i] + b
              if let rp { v += rp[base + i] }
              p[base + i] = relu && !(v > 0) ? 0 : v
            }
          }
        }
      }
    }
  }

  func inputGradient(_ g: Tensor, _ w: Tensor) -> Tensor {
    let shape = [n, c, geometry.inH, geometry.inW]
    switch g.dtype {
    case .float32: return Tensor(shape: shape, array: inputGradient(g.array(Float.self), w.array(Float.self)))
    case .float64: return Tensor(shape: shape, array: inputGradient(g.array(Double.self), w.array(Double.self)))
    }
  }

  func weightGradient(_ g: Tensor, _ x: Tensor) -> Tensor {
    let shape = [o, cg, geometry.kH, geometry.kW]
    switch g.dtype {
    case .float32: return Tensor(shape: shape, array: weightGradient(g.array(Float.self), x.array(Float.self)))
    case .float64: return Tensor(shape: shape, array: weightGradient(g.array(Double.self), x.array(Double.self)))
    }
  }

  /// Calls `body(image, group, columns)` with the im2col matrix `[k, outPlane]` of every image
  /// and group; a pointwise convolution's columns are the input itself, with no copy.
  private func forEachColumnMatrix<T: TensorScalar>(_ x: [T], _ body: (Int, Int, UnsafePointer<T>) -> Void) {
    // Not zero-filled: im2col writes every entry.
    let cols = UnsafeMutableBufferPointer<T>.allocate(capacity: isPointwise ? 0 : k * outPlane)
    defer { cols.deallocate() }
    x.withUnsafeBufferPointer { xb in
      for img in 0..<n {
        for grp in 0..<groups {
          let src = xb.baseAddress! + (img * c + grp * cg) * inPlane
          if isPointwise {
            body(img, grp, src)
          } else {
            im2col(src, channels: cg, geometry, cols.baseAddress!)
            body(img, grp, UnsafePointer(cols.baseAddress!))
          }
        }
      }
    }
  }

  /// The convolution, then the bias of each output channel, the residual and the ReLU (inside
  /// the GEMM's store where possible).
  private func forward<T: TensorScalar>(
    _ x: [T], _ w: [T], _ bias: [T]?, _ residual: [T]?, relu: Bool, packed: PackedWeights? = nil
  ) -> [T] {
    let total = n * o * outPlane
    if isDepthwise || total == 0 || k == 0 {
      if T.self == Float.self, total > 0, let plane = depthwisePlane {
        // The C kernel adds the bias; the residual and ReLU follow in one pass.
        var out = vectorDepthwiseForward(unsafeBitCast(x, to: [Float].self), unsafeBitCast(w, to: [Float].self),
                                   bias.map { unsafeBitCast($0, to: [Float].self) }, plane)
        epilogue(&out, nil, residual.map { unsafeBitCast($0, to: [Float].self) }, relu: relu)
        return unsafeBitCast(out, to: [T].self)
      }
      var out = [T](repeating: 0, count: total)
      if isDepthwise && total > 0 { depthwiseForward(x, w, &out) }
      epilogue(&out, bias, residual, relu: relu)
      return out
    }
    if let packed, packed.role == .winograd, T.self == Float.self,
       let out = winogradForward(unsafeBitCast(x, to: [Float].self), bias.map { unsafeBitCast($0, to: [Float].self) },
                                 residual.map { unsafeBitCast($0, to: [Float].self) }, relu: relu, packed: packed) {
      return unsafeBitCast(out, to: [T].self)
    }
    if let packed, packed.role == .strided, T.self == Float.self,
       let out = stridedForward(unsafeBitCast(x, to: [Float].self), bias.map { unsafeBitCast($0, to: [Float].self) },
                                residual.map { unsafeBitCast($0, to: [Float].self) }, relu: relu, packed: packed) {
      return unsafeBitCast(out, to: [T].self)
    }
    // The float kernel reads the image through its im2col matrix in place, and the weights
    // packed once when the layer gave them so (Winograd weights are of no use to it).
    let implicit = T.self == Float.self && GEMMKernel.usesPackageKernel && !isPointwise
    let packed = packed?.role == .left ? packed : nil
    if T.self == Float.self, GEMMKernel.usesPackageKernel, batchesImages {
      return unsafeBitCast(batchedForward(unsafeBitCast(x, to: [Float].self), unsafeBitCast(w, to: [Float].self),
                                          bias.map { unsafeBitCast($0, to: [Float].self) },
                                          residual.map { unsafeBitCast($0, to: [Float].self) }, relu: relu, packed: packed),
                           to: [T].self)
    }
    // Not zero-filled first: the GEMM (beta 0) writes every output.
    return [T](unsafeUninitializedCapacity: total) { ob, count in
      w.withUnsafeBufferPointer { wb in
        withOptionalBuffer(bias) { bb in
          withOptionalBuffer(residual) { rb in
            func product(_ img: Int, _ grp: Int, _ cols: UnsafePointer<T>, _ im2col: ImplicitColumns?) {
              let first = (img * o + grp * og) * outPlane
              gemm(
                transA: false, transB: false, m: og, n: outPlane, k: k, alpha: 1,
                a: wb.baseAddress! + grp * og * k, lda: k, b: cols, ldb: outPlane, beta: 0,
                c: ob.baseAddress! + first, ldc: outPlane,
                epilogue: GEMMEpilogue(bias: bb.map { $0 + grp * og }, residual: rb.map { $0 + first }, ldr: outPlane, relu: relu),
                packedA: packed, im2col: im2col)
            }
            if implicit {
              x.withUnsafeBufferPointer { xb in
                for img in 0..<n {
                  for grp in 0..<groups {
                    let src = xb.baseAddress! + (img * c + grp * cg) * inPlane
                    product(img, grp, src, ImplicitColumns(UnsafeRawPointer(src).assumingMemoryBound(to: Float.self), geometry))
                  }
                }
              }
            } else {
              forEachColumnMatrix(x) { img, grp, cols in product(img, grp, cols, nil) }
            }
          }
        }
      }
      count = total
    }
  }

  /// Whether the images run as one product (``batchedForward``): more than one image, small
  /// output planes (at most 256 positions: ResNet-50's 14x14 and 7x7 stages) and weights of at
  /// least 64K values. Image by image, such a product reads all the weights again for each
  /// image's few columns (49 for a 7x7 plane), and ends each image with a narrow strip.
  var batchesImages: Bool { n > 1 && groups == 1 && outPlane <= 256 && o * k >= 65_536 }

  /// The convolution of all images as one product `[o, n * outPlane]` over their im2col columns
  /// side by side (the weights read once for the batch), with the bias (and the ReLU when there
  /// is no residual) in the kernel's store; then each image's block of columns is copied to
  /// `[n, o, outPlane]`, adding the residual and applying the ReLU on the way. The same sums in
  /// the same order as image by image, except where a product's last strip has at most 4 columns
  /// (sgemm_avx512.c sums those as dot products), which can fall on other columns here.
  private func batchedForward(_ x: [Float], _ w: [Float], _ bias: [Float]?, _ residual: [Float]?, relu: Bool,
                              packed: PackedWeights?) -> [Float] {
    let columns = n * outPlane, total = n * o * outPlane, plane = outPlane
    let product = UnsafeMutableBufferPointer<Float>.allocate(capacity: total)
    defer { product.deallocate() }
    x.withUnsafeBufferPointer { xb in
      w.withUnsafeBufferPointer { wb in
        withOptionalBuffer(bias) { bb in
          let image = xb.baseAddress!
          // A pointwise convolution's input plane is one run of columns: a 1 x plane image.
          let g = isPointwise
            ? ConvGeometry(inH: 1, inW: inPlane, kH: 1, kW: 1, strideH: 1, strideW: 1, padH: 0, padW: 0, dilationH: 1, dilationW: 1)
            : geometry
          gemm(transA: false, transB: false, m: o, n: columns, k: k, alpha: 1, a: wb.baseAddress!, lda: k, b: image,
               ldb: columns, beta: 0, c: product.baseAddress!, ldc: columns,
               epilogue: GEMMEpilogue(bias: bb, relu: relu && residual == nil), packedA: packed,
               im2col: ImplicitColumns(image, g, images: n, imageStride: c * inPlane))
        }
      }
    }
    return [Float](unsafeUninitializedCapacity: total) { ob, count in
      withOptionalBuffer(residual) { rb in
        let out = ob.baseAddress!, source = UnsafePointer(product.baseAddress!)
        parallelChunks(n * o, grain: max(1, 32_768 / max(plane, 1))) { r in
          for q in r {
            let from = source + (q % o) * columns + (q / o) * plane, to = out + q * plane
            guard let rb else {
              to.update(from: from, count: plane)
              continue
            }
            let add = rb + q * plane
            for i in 0..<plane {
              let v = from[i] + add[i]
              to[i] = relu && !(v > 0) ? 0 : v
            }
          }
        }
      }
      count = total
    }
  }

  /// A 3x3 stride-1 convolution by Winograd F(2x2, 3x3), image by image (each image's transforms
  /// and 16 products run on all cores); nil if its scratch memory cannot be had.
  private func winogradForward(_ x: [Float], _ bias: [Float]?, _ residual: [Float]?, relu: Bool,
                               packed: PackedWeights) -> [Float]? {
    guard let level = GEMMKernel.level else { return nil }
    precondition(packed.level == level, "winograd: weights packed at another precision")
    return imageByImage(x, bias, residual, relu: relu) { image, out, e in
      ck_winograd_conv(level, image, c, geometry.inH, geometry.inW, geometry.padH, geometry.padW, packed.data, o, out, e) != 0
    }
  }

  /// A stride-2 convolution on the AVX-512 kernel that tiles the output by 14 pixels x 32
  /// channels (ck_strided_conv), image by image (each on all cores); nil if its scratch memory
  /// cannot be had.
  private func stridedForward(_ x: [Float], _ bias: [Float]?, _ residual: [Float]?, relu: Bool,
                              packed: PackedWeights) -> [Float]? {
    precondition(packed.level == CK_SGEMM_AVX512 && geometry.strideH == 2 && geometry.strideW == 2 && groups == 1,
                 "strided convolution: weights packed for another kernel, or not a stride-2 convolution")
    return imageByImage(x, bias, residual, relu: relu) { image, out, e in
      ck_strided_conv(packed.level, image, c, geometry.inH, geometry.inW, geometry.kH, geometry.kW, geometry.padH,
                      geometry.padW, geometry.outH, geometry.outW, packed.data, o, out, e) != 0
    }
  }

  /// The output of `convolve(image, out, epilogue)` run on each image in turn (its input, its
  /// output and its epilogue: the bias, the image's residual and the ReLU); nil when a call
  /// returns false.
  private func imageByImage(
    _ x: [Float], _ bias: [Float]?, _ residual: [Float]?, relu: Bool,
    _ convolve: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, UnsafePointer<ck_epilogue>) -> Bool
  ) -> [Float]? {
    let total = n * o * outPlane
    var ok = true
    let out = [Float](unsafeUninitializedCapacity: total) { ob, count in
      x.withUnsafeBufferPointer { xb in
        withOptionalBuffer(bias) { bb in
          withOptionalBuffer(residual) { rb in
            for img in 0..<n where ok {
              var e = ck_epilogue(bias: bb, residual: rb.map { $0 + img * o * outPlane }, ldr: 0, relu: relu ? 1 : 0,
                                  column_bias: nil)
              ok = convolve(xb.baseAddress! + img * c * inPlane, ob.baseAddress! + img * o * outPlane, &e)
            }
          }
        }
      }
      count = ok ? total : 0
    }
    return ok ? out : nil
  }

  private func inputGradient<T: TensorScalar>(_ g: [T], _ w: [T]) -> [T] {
    if T.self == Float.self, let plane = depthwisePlane {
      return unsafeBitCast(vectorDepthwiseInputGradient(unsafeBitCast(g, to: [Float].self), unsafeBitCast(w, to: [Float].self), plane),
                           to: [T].self)
    }
    var dx = [T](repeating: 0, count: n * c * inPlane)
    if isDepthwise {
      depthwiseInputGradient(g, w, &dx)
      return dx
    }
    var cols = [T](repeating: 0, count: k * outPlane)
    g.withUnsafeBufferPointer { gb in
      w.withUnsafeBufferPointer { wb in
        dx.withUnsafeMutableBufferPointer { db in
          cols.withUnsafeMutableBufferPointer { cb in
            for img in 0..<n {
              for grp in 0..<groups {
                let dst = db.baseAddress! + (img * c + grp * cg) * inPlane
                // Columns of the pointwise case are the input itself, so write straight into dx.
                let colPtr = isPointwise ? dst : cb.baseAddress!
                gemm(
                  transA: true, transB: false, m: k, n: outPlane, k: og, alpha: 1,
                  a: wb.baseAddress! + grp * og * k, lda: k,
                  b: gb.baseAddress! + (img * o + grp * og) * outPlane, ldb: outPlane, beta: 0,
                  c: colPtr, ldc: outPlane)
                if !isPointwise { col2im(UnsafePointer(colPtr), channels: cg, geometry, dst) }
              }
            }
          }
        }
      }
    }
    return dx
  }

  private func weightGradient<T: TensorScalar>(_ g: [T], _ x: [T]) -> [T] {
    if T.self == Float.self, let plane = depthwisePlane {
      return unsafeBitCast(vectorDepthwiseWeightGradient(unsafeBitCast(g, to: [Float].self), unsafeBitCast(x, to: [Float].self), plane),
                           to: [T].self)
    }
    var dw = [T](repeating: 0, count: o * k)
    if isDepthwise {
      depthwiseWeightGradient(g, x, &dw)
      return dw
    }
    g.withUnsafeBufferPointer { gb in
      dw.withUnsafeMutableBufferPointer { db in
        forEachColumnMatrix(x) { img, grp, cols in
          gemm(
            transA: false, transB: true, m: og, n: k, k: outPlane, alpha: 1,
            a: gb.baseAddress! + (img * o + grp * og) * outPlane, lda: outPlane, b: cols, ldb: outPlane,
            beta: 1, c: db.baseAddress! + grp * og * k, ldc: k)
        }
      }
    }
    return dw
  }

  // MARK: Depthwise (one input channel per output channel): direct loops, no GEMM. Float32
  // without dilation runs the vectorised C kernel (Conv2d+Depthwise.swift); the rest these loops.

  /// Calls `body(input, output, tap)` for every in-image tap of every output pixel: the input
  /// pixel's index in its plane, the output pixel's index in its plane, and the kernel tap's index.
  @inline(__always)
  private func forEachTap(_ body: (Int, Int, Int) -> Void) {
    let gm = geometry
    for oh in 0..<gm.outH {
      for i in 0..<gm.kH {
        let ih = oh * gm.strideH - gm.padH + i * gm.dilationH
        if ih < 0 || ih >= gm.inH { continue }
        for ow in 0..<gm.outW {
          for j in 0..<gm.kW {
            let iw = ow * gm.strideW - gm.padW + j * gm.dilationW
            if iw < 0 || iw >= gm.inW { continue }
            body(ih * gm.inW + iw, oh * gm.outW + ow, i * gm.kW + j)
          }
        }
      }
    }
  }

  private func depthwiseForward<T: TensorScalar>(_ x: [T], _ w: [T], _ out: inout [T]) {
    let taps = geometry.kH * geometry.kW
    out.withUnsafeMutableBufferPointer { ob in
      let op = ob.baseAddress!
      parallelChunks(n * c, grain: 1) { r in
        for p in r {
          let ch = p % c
          let xs = p * inPlane, os = p * outPlane, ws = ch * taps
          forEachTap { ii, oi, t in op[os + oi] += x[xs + ii] * w[ws + t] }
        }
      }
    }
  }

  private func depthwiseInputGradient<T: TensorScalar>(_ g: [T], _ w: [T], _ dx: inout [T]) {
    let taps = geometry.kH * geometry.kW
    dx.withUnsafeMutableBufferPointer { db in
      let dp = db.baseAddress!
      parallelChunks(n * c, grain: 1) { r in
        for p in r {
          let ch = p % c
          let xs = p * inPlane, os = p * outPlane, ws = ch * taps
          forEachTap { ii, oi, t in dp[xs + ii] += g[os + oi] * w[ws + t] }
        }
      }
    }
  }

  private func depthwiseWeightGradient<T: TensorScalar>(_ g: [T], _ x: [T], _ dw: inout [T]) {
    let taps = geometry.kH * geometry.kW
    dw.withUnsafeMutableBufferPointer { db in
      let dp = db.baseAddress!
      parallelChunks(c, grain: 1) { r in
        for ch in r {
          for img in 0..<n {
            let p = img * c + ch
            let xs = p * inPlane, os = p * outPlane, ws = ch * taps
            forEachTap { ii, oi, t in dp[ws + t] += g[os + oi] * x[xs + ii] }
          }
        }
      }
    }
  }
}

