// Constant padding of the trailing dimensions (`torch.nn.functional.pad(mode="constant")`).

/// Pads the last `padding.count` dimensions of `x` with `value`.
///
/// Unlike `torch.nn.functional.pad`, whose pairs start at the *last* dimension, `padding` is
/// listed outermost first and aligned to the trailing dimensions: for `[N, C, H, W]`,
/// `pad(x, [(top, bottom), (left, right)])` equals `F.pad(x, (left, right, top, bottom))`.
///
/// - Parameters:
///   - x: any tensor with rank >= `padding.count`.
///   - padding: non-negative `(before, after)` counts per trailing dimension.
///   - value: the fill value (its gradient is not tracked).
/// - Returns: `x` with each padded dimension grown by `before + after`.
public func pad(_ x: Tensor, _ padding: [(before: Int, after: Int)], value: Double = 0) -> Tensor {
  precondition(padding.count <= x.rank, "pad: \(padding.count) padded dimensions for a tensor of rank \(x.rank)")
  precondition(padding.allSatisfy { $0.before >= 0 && $0.after >= 0 }, "pad: padding must be non-negative, got \(padding)")
  let box = PaddedBox(shape: x.shape, padding: padding)
  let padded: Tensor
  switch x.dtype {
  case .float32: padded = Tensor(shape: box.outShape, array: box.pad(x.array(Float.self), value: Float(value)))
  case .float64: padded = Tensor(shape: box.outShape, array: box.pad(x.array(Double.self), value: value))
  }
  return Tensor.recorded(padded, op: "pad", inputs: [x]) { g, _ in
    switch g.dtype {
    case .float32: return [Tensor(shape: x.shape, array: box.crop(g.array(Float.self)))]
    case .float64: return [Tensor(shape: x.shape, array: box.crop(g.array(Double.self)))]
    }
  }
}

/// A tensor inside its padded copy: both are copied row by row (rows of the last dimension),
/// the padded tensor's rows at the offsets the padding puts them.
private struct PaddedBox {
  let shape: [Int], outShape: [Int]
  /// Offset of the input's first element in the padded tensor.
  let origin: Int
  /// Element strides of the padded tensor.
  let outStrides: [Int]

  init(shape: [Int], padding: [(before: Int, after: Int)]) {
    let first = shape.count - padding.count
    var out = shape
    var befores = [Int](repeating: 0, count: shape.count)
    for (k, p) in padding.enumerated() {
      out[first + k] += p.before + p.after
      befores[first + k] = p.before
    }
    var strides = [Int](repeating: 1, count: shape.count)
    for d in stride(from: shape.count - 2, through: 0, by: -1) { strides[d] = strides[d + 1] * out[d + 1] }
    self.shape = shape
    outShape = out
    outStrides = strides
    origin = zip(befores, strides).reduce(0) { $0 + $1.0 * $1.1 }
  }

  /// Calls `body(inputOffset, paddedOffset, length)` for every row of the input.
  private func forEachRow(_ body: (Int, Int, Int) -> Void) {
    let length = shape.last ?? 1
    let rows = length == 0 ? 0 : shape.reduce(1, *) / length
    var index = [Int](repeating: 0, count: max(shape.count - 1, 0))
    var to = origin
    for row in 0..<rows {
      body(row * length, to, length)
      // Next row: advance the multi-index over the leading dimensions, odometer style.
      var d = index.count - 1
      while d >= 0 {
        index[d] += 1
        to += outStrides[d]
        if index[d] < shape[d] { break }
        to -= index[d] * outStrides[d]
        index[d] = 0
        d -= 1
      }
    }
  }

  func pad<T: TensorScalar>(_ x: [T], value: T) -> [T] {
    var out = [T](repeating: value, count: outShape.reduce(1, *))
    x.withUnsafeBufferPointer { xb in
      out.withUnsafeMutableBufferPointer { ob in
        forEachRow { from, to, n in (ob.baseAddress! + to).update(from: xb.baseAddress! + from, count: n) }
      }
    }
    return out
  }

  func crop<T: TensorScalar>(_ g: [T]) -> [T] {
    let count = shape.reduce(1, *)
    return [T](unsafeUninitializedCapacity: count) { db, initialized in
      g.withUnsafeBufferPointer { gb in
        forEachRow { to, from, n in (db.baseAddress! + to).initialize(from: gb.baseAddress! + from, count: n) }
      }
      initialized = count
    }
  }
}
