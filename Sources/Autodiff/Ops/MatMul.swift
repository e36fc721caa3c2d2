// Matrix multiplication on BLAS GEMM, with batch dimensions broadcast as in torch.matmul.

/// Matrix product of the last two dimensions, `[..., m, k] x [..., k, n] -> [..., m, n]`.
///
/// Leading (batch) dimensions broadcast like numpy. Both operands need rank >= 2.
public func matmul(_ a: Tensor, _ b: Tensor) -> Tensor {
  precondition(a.rank >= 2 && b.rank >= 2, "matmul: operands need rank >= 2, got \(a.shape) and \(b.shape)")
  precondition(a.dtype == b.dtype, "matmul: element types differ (\(a.dtype) vs \(b.dtype))")
  let value = Tensor.matmulRaw(a, b, transA: false, transB: false)
  return Tensor.recorded(value, op: "matmul", inputs: [a, b]) { g, needs in
    // dA = g . B^T, dB = A^T . g, summed over broadcast batch dimensions.
    [needs[0] ? Tensor.matmulRaw(g, b, transA: false, transB: true).summed(toShape: a.shape) : nil,
     needs[1] ? Tensor.matmulRaw(a, g, transA: true, transB: false).summed(toShape: b.shape) : nil]
  }
}

extension Tensor {
  /// `op(a) . op(b)` over broadcast batches, where `op` transposes the last two dimensions.
  /// `packedB`, when given, is `b` packed for the kernel (a linear layer's weight, `transB`);
  /// `columnBias`, when given (`n` values of the operands' type), is added to every row of every
  /// product in the GEMM's store, and then `residual` (the output's shape and type), when given.
  static func matmulRaw(_ a: Tensor, _ b: Tensor, transA: Bool, transB: Bool, packedB: PackedWeights? = nil,
                        columnBias: Tensor? = nil, residual: Tensor? = nil) -> Tensor {
    let (ar, ac) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
    let (br, bc) = (b.shape[b.rank - 2], b.shape[b.rank - 1])
    let (m, k) = transA ? (ac, ar) : (ar, ac)
    let (k2, n) = transB ? (bc, br) : (br, bc)
    precondition(k == k2, "matmul: inner dimensions differ: \(a.shape)\(transA ? "^T" : "") x \(b.shape)\(transB ? "^T" : "")")
    let batchA = Array(a.shape.dropLast(2)), batchB = Array(b.shape.dropLast(2))
    let batch = shapeCheck("matmul") { () throws(ShapeError) in try Shape.broadcast(batchA, batchB) }
    let sa = Shape.broadcastStrides(batchA, to: batch), sb = Shape.broadcastStrides(batchB, to: batch)
    let batches = Shape.count(batch)
    let outShape = batch + [m, n]
    if let columnBias {
      precondition(columnBias.count == n && columnBias.dtype == a.dtype,
                   "matmul: column bias \(columnBias.shape) (\(columnBias.dtype)) does not fit \(n) \(a.dtype) columns")
    }
    if let residual {
      precondition(residual.count == Shape.count(outShape) && residual.dtype == a.dtype,
                   "matmul: residual \(residual.shape) (\(residual.dtype)) is not the output's \(outShape) of \(a.dtype)")
    }
    func run<T: TensorScalar>(_: T.Type) -> Tensor {
      let total = batches * m * n
      // Nothing to multiply when the output is empty; an empty product (k == 0) is zeros, or
      // the column bias on every row.
      guard total > 0 && k > 0 else {
        let rowValues = columnBias?.array(T.self) ?? [T](repeating: 0, count: n)
        let product = Tensor(shape: outShape, array: (0..<(total / Swift.max(n, 1))).flatMap { _ in rowValues })
        return residual.map { product + $0.reshaped(outShape) } ?? product
      }
      let x = a.array(T.self), y = b.array(T.self), bias = columnBias?.array(T.self), shortcut = residual?.array(T.self)
      // Not zero-filled first: the GEMM (beta 0) writes every output.
      let out = [T](unsafeUninitializedCapacity: total) { op, count in
        x.withUnsafeBufferPointer { xp in
          y.withUnsafeBufferPointer { yp in
           withOptionalBuffer(bias) { biasp in
           withOptionalBuffer(shortcut) { residualp in
            let (xb, yb, ob) = (xp.baseAddress!, yp.baseAddress!, op.baseAddress!)
            func product(_ i: Int) {
              var rem = i, oa = 0, obb = 0
              for d in stride(from: batch.count - 1, through: 0, by: -1) {
                let idx = rem % batch[d]
                rem /= batch[d]
                oa += idx * sa[d]
                obb += idx * sb[d]
              }
              gemm(
                transA: transA, transB: transB, m: m, n: n, k: k, alpha: 1,
                a: xb + oa * ar * ac, lda: ac, b: yb + obb * br * bc, ldb: bc, beta: 0,
                c: ob + i * m * n, ldc: n,
                epilogue: GEMMEpilogue(residual: residualp.map { $0 + i * m * n }, ldr: n, columnBias: biasp),
                packedB: obb == 0 ? packedB : nil)
            }
            // Many small products (attention heads) run side by side on the cores; a large one
            // is split across the cores by gemm itself.
            if batches > 1 && Double(m) * Double(n) * Double(k) < 4e6 {
              parallelChunks(batches, grain: 1) { r in for i in r { product(i) } }
            } else {
              for i in 0..<batches { product(i) }
            }
           }
           }
          }
        }
        count = total
      }
      return Tensor(shape: outShape, array: out)
    }
    switch a.dtype {
    case .float32: return run(Float.self)
    case .float64: return run(Double.self)
    }
  }
}

/// A fully connected layer's computation, `x . W^T + b` (PyTorch `nn.functional.linear`), as one
/// recorded op: the bias is added in the GEMM's store, and its gradient is the output gradient
/// summed over rows.
///
/// - Parameters:
///   - x: `[..., in]`.
///   - weight: `[out, in]` (PyTorch layout).
///   - bias: `[out]` (any shape of `out` values, e.g. `[1, out]`) of `x`'s type, or nil.
///   - packedWeight: `weight` packed for the GEMM kernel (`PackedWeights(linearWeight:)`), which
///     the forward pass then reads instead of packing `weight` again; gradients still use `weight`.
///   - residual: `[..., out]` of `x`'s type, added after the bias in the same store (a
///     transformer block's `x + proj(...)`: `linear(h, ..., residual: x)`), or nil.
/// - Returns: `[..., out]`.
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, packedWeight: PackedWeights? = nil,
                   residual: Tensor? = nil) -> Tensor {
  precondition(weight.rank == 2, "linear: weight must be [out, in], got \(weight.shape)")
  precondition(x.shape.last == weight.shape[1], "linear: input \(x.shape) does not end in \(weight.shape[1]) features")
  if let packedWeight {
    precondition(packedWeight.role == .rightTransposed && packedWeight.shape == weight.shape,
                 "linear: the packed weight \(packedWeight.shape) is not this layer's weight \(weight.shape)")
  }
  if let bias {
    precondition(bias.count == weight.shape[0] && bias.dtype == x.dtype,
                 "linear: bias \(bias.shape) (\(bias.dtype)) is not \(weight.shape[0]) values of \(x.dtype)")
  }
  let outShape = Array(x.shape.dropLast()) + [weight.shape[0]]
  if let residual {
    precondition(residual.shape == outShape && residual.dtype == x.dtype,
                 "linear: residual \(residual.shape) (\(residual.dtype)) is not the output's \(outShape) of \(x.dtype)")
  }
  let flat = x.reshaped([-1, weight.shape[1]])
  let value = Tensor.matmulRaw(flat, weight, transA: false, transB: true, packedB: packedWeight, columnBias: bias,
                               residual: residual)
  let inputs = [flat, weight] + (bias.map { [$0] } ?? []) + (residual.map { [$0] } ?? [])
  let y = Tensor.recorded(value, op: residual == nil ? "linear" : "linear+residual", inputs: inputs) { g, needs in
    [needs[0] ? Tensor.matmulRaw(g, weight, transA: false, transB: false) : nil,
     needs[1] ? Tensor.matmulRaw(g, flat, transA: true, transB: false) : nil]
      + (bias.map { b in [needs[2] ? g.summed(toShape: [b.count]).reshaped(b.shape) : nil] } ?? [])
      + (residual.map { r in [needs[inputs.count - 1] ? g.reshaped(r.shape) : nil] } ?? [])
  }
  return y.reshaped(outShape)
}
