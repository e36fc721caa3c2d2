import Foundation

/// Validation and materialisation of strided tensor views over a storage.
///
/// Offsets and strides are in elements, as in PyTorch: element `idx` lives at
/// `storageOffset + Σ idx[i] * stride[i]`.
enum TensorLayout {
  /// The element count of `shape`, refusing negative dimensions, overflow and the limits.
  static func elementCount(_ shape: [Int], limits: CheckpointLimits, what: String) throws -> Int {
    if let bad = shape.first(where: { $0 < 0 }) {
      throw CheckpointError.invalidTensor("\(what): negative dimension \(bad) in shape \(shape)")
    }
    var count = 1
    for dim in shape {
      let (product, overflow) = count.multipliedReportingOverflow(by: dim)
      if overflow { throw CheckpointError.limitExceeded("\(what): shape \(shape) is too large (element count overflows)") }
      count = product
    }
    if count > limits.maxTensorElements {
      throw CheckpointError.limitExceeded(
        "\(what): shape \(shape) is too large (\(count) elements, limit \(limits.maxTensorElements))")
    }
    return count
  }

  /// Row-major strides for `shape`.
  static func contiguousStrides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var acc = 1
    for i in stride(from: shape.count - 1, through: 0, by: -1) {
      strides[i] = acc
      acc *= max(shape[i], 1)
    }
    return strides
  }

  /// Copies the view (`shape`, `strides`, `offset`) of `storage` into a contiguous buffer,
  /// after checking that every addressed element lies inside the storage.
  static func materialize(
    storage: Data, storageElements: Int, elementSize: Int, shape: [Int], strides: [Int], offset: Int,
    limits: CheckpointLimits, what: String
  ) throws -> Data {
    let count = try elementCount(shape, limits: limits, what: what)
    guard strides.count == shape.count else {
      throw CheckpointError.invalidTensor("\(what): \(strides.count) strides for \(shape.count) dimensions")
    }
    if let bad = strides.first(where: { $0 < 0 }) {
      throw CheckpointError.invalidTensor("\(what): negative stride \(bad)")
    }
    guard offset >= 0 else { throw CheckpointError.invalidTensor("\(what): negative storage offset \(offset)") }
    let (bytes, overflow) = count.multipliedReportingOverflow(by: elementSize)
    if overflow || bytes > limits.maxTensorBytes {
      throw CheckpointError.limitExceeded("\(what): tensor is too large (\(count) elements of \(elementSize) bytes)")
    }
    guard storage.count >= storageElements * elementSize else {
      throw CheckpointError.invalidTensor("\(what): storage holds \(storage.count) bytes, fewer than its \(storageElements) elements")
    }
    if count == 0 { return Data() }
    var last = offset
    for (dim, st) in zip(shape, strides) {
      let (term, o1) = (dim - 1).multipliedReportingOverflow(by: st)
      let (sum, o2) = last.addingReportingOverflow(term)
      if o1 || o2 { throw CheckpointError.invalidTensor("\(what): view extent overflows (past the end of its storage)") }
      last = sum
    }
    guard last < storageElements else {
      throw CheckpointError.invalidTensor(
        "\(what): storage offset \(offset) with shape \(shape) and strides \(strides) reaches element \(last), past the end of its storage of \(storageElements) elements")
    }
    if strides == contiguousStrides(shape) {
      let start = storage.startIndex + offset * elementSize
      return storage.subdata(in: start..<(start + bytes))
    }
    var out = Data(count: bytes)
    out.withUnsafeMutableBytes { dst in
      storage.withUnsafeBytes { src in
        var index = [Int](repeating: 0, count: shape.count)
        var source = offset
        for element in 0..<count {
          (dst.baseAddress! + element * elementSize).copyMemory(
            from: src.baseAddress! + source * elementSize, byteCount: elementSize)
          // Odometer increment over the last axis first.
          var axis = shape.count - 1
          while axis >= 0 {
            index[axis] += 1
            source += strides[axis]
            if index[axis] < shape[axis] { break }
            source -= strides[axis] * shape[axis]
            index[axis] = 0
            axis -= 1
          }
        }
      }
    }
    return out
  }
}
