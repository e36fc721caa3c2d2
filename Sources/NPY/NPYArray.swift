import Foundation

/// A numpy `.npy` array: shape, element type and little-endian payload.
///
/// Supports format versions 1.0-3.0, C order, element types `<f4 <f8 <f2 |u1 |i1 <i2 <i4 <i8 |b1`.
/// Fortran-ordered and object arrays are refused with a clear error.
public struct NPYArray: Equatable, Sendable {
  /// Element types the reader and writer understand, named by their numpy descr.
  public enum ElementType: String, Sendable, CaseIterable {
    case float16 = "<f2", float32 = "<f4", float64 = "<f8"
    case uint8 = "|u1", int8 = "|i1", int16 = "<i2", int32 = "<i4", int64 = "<i8", bool = "|b1"

    /// Size of one element in bytes.
    public var byteCount: Int {
      switch self {
      case .uint8, .int8, .bool: return 1
      case .float16, .int16: return 2
      case .float32, .int32: return 4
      case .float64, .int64: return 8
      }
    }
  }

  /// Array shape; `[]` is a scalar.
  public var shape: [Int]
  /// Element type of `payload`.
  public var elementType: ElementType
  /// Raw little-endian elements in C (row-major) order.
  public var payload: Data

  /// Number of elements.
  public var count: Int { shape.reduce(1, *) }

  /// Creates an array from raw little-endian bytes.
  public init(shape: [Int], elementType: ElementType, payload: Data) {
    precondition(
      payload.count == shape.reduce(1, *) * elementType.byteCount,
      "NPYArray: payload of \(payload.count) bytes does not match shape \(shape) of \(elementType.rawValue)")
    self.shape = shape
    self.elementType = elementType
    self.payload = payload
  }

  /// Creates a float32 array.
  public init(shape: [Int], floats: [Float]) {
    self.init(shape: shape, elementType: .float32, payload: floats.withUnsafeBytes { Data($0) })
  }

  /// Creates a float64 array.
  public init(shape: [Int], doubles: [Double]) {
    self.init(shape: shape, elementType: .float64, payload: doubles.withUnsafeBytes { Data($0) })
  }

  /// Creates a uint8 array.
  public init(shape: [Int], bytes: [UInt8]) {
    self.init(shape: shape, elementType: .uint8, payload: Data(bytes))
  }

  /// The elements converted to Double, whatever the stored type.
  public var doubles: [Double] {
    payload.withUnsafeBytes { raw -> [Double] in
      let n = count
      switch elementType {
      case .float64: return (0..<n).map { raw.loadUnaligned(fromByteOffset: $0 * 8, as: Double.self) }
      case .float32:
        return (0..<n).map { Double(raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self)) }
      case .float16:
        return (0..<n).map {
          Double(Float(halfBits: raw.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self)))
        }
      case .uint8, .bool: return (0..<n).map { Double(raw[$0]) }
      case .int8: return (0..<n).map { Double(Int8(bitPattern: raw[$0])) }
      case .int16:
        return (0..<n).map { Double(raw.loadUnaligned(fromByteOffset: $0 * 2, as: Int16.self)) }
      case .int32:
        return (0..<n).map { Double(raw.loadUnaligned(fromByteOffset: $0 * 4, as: Int32.self)) }
      case .int64:
        return (0..<n).map { Double(raw.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self)) }
      }
    }
  }

  /// The elements converted to Float, whatever the stored type.
  public var floats: [Float] {
    if elementType == .float32 {
      return payload.withUnsafeBytes { raw in
        (0..<count).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) }
      }
    }
    return doubles.map { Float($0) }
  }

  /// The elements converted to Int (floats are truncated).
  public var ints: [Int] { doubles.map { Int($0) } }
}

/// Errors from reading `.npy` data; each names the problem in one line.
public enum NPYError: Error, CustomStringConvertible, Equatable {
  case badMagic
  case truncated(String)
  case badHeader(String)
  case unsupported(String)

  public var description: String {
    switch self {
    case .badMagic: return "not a .npy file (bad magic)"
    case .truncated(let what): return "truncated .npy file: \(what)"
    case .badHeader(let what): return "malformed .npy header: \(what)"
    case .unsupported(let what): return "unsupported .npy content: \(what)"
    }
  }
}

extension Float {
  /// Converts IEEE half-precision bits to Float (exact).
  public init(halfBits h: UInt16) {
    let sign = UInt32(h >> 15) << 31
    let exp = Int((h >> 10) & 0x1f)
    let mant = UInt32(h & 0x3ff)
    if exp == 0 {
      // Subnormal or zero: value = mant * 2^-24.
      let v = Float(mant) * Float(sign: .plus, exponent: -24, significand: 1)
      self = sign != 0 ? -v : v
    } else if exp == 31 {
      self = Float(bitPattern: sign | 0x7f80_0000 | (mant << 13))
    } else {
      self = Float(bitPattern: sign | UInt32(exp - 15 + 127) << 23 | (mant << 13))
    }
  }
}
