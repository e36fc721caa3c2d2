import Foundation

/// A tensor read from a checkpoint: shape, dtype and contiguous little-endian element bytes.
///
/// Loaders always materialise views (storage offsets, strides, transposes, storages shared by
/// several tensors) into an independent row-major buffer, so two tensors never alias.
public struct CheckpointTensor: Sendable, Equatable {
  /// Dimensions; `[]` is a 0-d (scalar) tensor with one element.
  public let shape: [Int]
  /// Element type of ``data``.
  public let dtype: CheckpointDType
  /// Row-major (C-contiguous) little-endian elements, `count * dtype.byteCount` bytes.
  public let data: Data

  /// Number of elements (1 for a 0-d tensor).
  public var count: Int { shape.reduce(1, *) }

  /// Creates a tensor from contiguous little-endian bytes, validating the size.
  public init(shape: [Int], dtype: CheckpointDType, data: Data) throws {
    let count = try TensorLayout.elementCount(shape, limits: CheckpointLimits(), what: "tensor")
    guard data.count == count * dtype.byteCount else {
      throw CheckpointError.invalidTensor(
        "\(data.count) bytes do not match shape \(shape) of \(dtype.rawValue) (\(count * dtype.byteCount) bytes)")
    }
    self.init(unchecked: shape, dtype: dtype, data: data)
  }

  init(unchecked shape: [Int], dtype: CheckpointDType, data: Data) {
    self.shape = shape
    self.dtype = dtype
    // Re-base slices so indices always start at 0.
    self.data = data.startIndex == 0 ? data : Data(data)
  }

  /// Creates a float32 tensor. `floats.count` must equal the product of `shape`.
  public init(shape: [Int], floats: [Float]) {
    precondition(shape.reduce(1, *) == floats.count, "CheckpointTensor: \(floats.count) values for shape \(shape)")
    self.init(unchecked: shape, dtype: .float32, data: floats.withUnsafeBytes { Data($0) })
  }

  /// Creates a float64 tensor. `doubles.count` must equal the product of `shape`.
  public init(shape: [Int], doubles: [Double]) {
    precondition(shape.reduce(1, *) == doubles.count, "CheckpointTensor: \(doubles.count) values for shape \(shape)")
    self.init(unchecked: shape, dtype: .float64, data: doubles.withUnsafeBytes { Data($0) })
  }

  /// The elements converted to Float (integers and bools convert by value; int64/float64 may round).
  public func floats() -> [Float] {
    if dtype == .float32 {
      #if _endian(little)
      // The stored bytes are the Floats: one copy (a model's weights are ~100 MB).
      return [Float](unsafeUninitializedCapacity: count) { out, initialized in
        data.withUnsafeBytes { raw in UnsafeMutableRawBufferPointer(out).copyMemory(from: raw) }
        initialized = count
      }
      #else
      return data.withUnsafeBytes { raw in
        (0..<count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
      }
      #endif
    }
    return map { Float($0) }
  }

  /// The elements converted to Double (exact for every dtype except int64/uint64 beyond 2^53).
  public func doubles() -> [Double] { map { $0 } }

  /// The elements converted to Int64 (floats truncate toward zero; NaN and out-of-range give 0).
  public func int64s() -> [Int64] {
    switch dtype {
    case .int64: return elements(Int64.self) { Int64(littleEndian: $0) }
    case .uint64: return elements(UInt64.self) { Int64(truncatingIfNeeded: UInt64(littleEndian: $0)) }
    default:
      return map { v in
        guard v.isFinite, v >= -9.223372036854775e18, v < 9.223372036854775e18 else { return 0 }
        return Int64(v)
      }
    }
  }

  private func elements<T: FixedWidthInteger, R>(_: T.Type, _ convert: (T) -> R) -> [R] {
    data.withUnsafeBytes { raw in
      (0..<count).map { convert(raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self)) }
    }
  }

  private func map<R>(_ transform: (Double) -> R) -> [R] {
    switch dtype {
    case .bool: return elements(UInt8.self) { transform($0 != 0 ? 1 : 0) }
    case .uint8: return elements(UInt8.self) { transform(Double($0)) }
    case .int8: return elements(Int8.self) { transform(Double($0)) }
    case .int16: return elements(Int16.self) { transform(Double(Int16(littleEndian: $0))) }
    case .uint16: return elements(UInt16.self) { transform(Double(UInt16(littleEndian: $0))) }
    case .int32: return elements(Int32.self) { transform(Double(Int32(littleEndian: $0))) }
    case .uint32: return elements(UInt32.self) { transform(Double(UInt32(littleEndian: $0))) }
    case .int64: return elements(Int64.self) { transform(Double(Int64(littleEndian: $0))) }
    case .uint64: return elements(UInt64.self) { transform(Double(UInt64(littleEndian: $0))) }
    case .float16:
      return elements(UInt16.self) { transform(Double(HalfPrecision.float(fromHalfBits: UInt16(littleEndian: $0)))) }
    case .bfloat16:
      return elements(UInt16.self) { transform(Double(HalfPrecision.float(fromBFloat16Bits: UInt16(littleEndian: $0)))) }
    case .float32:
      return elements(UInt32.self) { transform(Double(Float(bitPattern: UInt32(littleEndian: $0)))) }
    case .float64:
      return elements(UInt64.self) { transform(Double(bitPattern: UInt64(littleEndian: $0))) }
    }
  }
}
