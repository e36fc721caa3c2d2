import Autodiff
import Foundation

/// Decodes ONNX `TensorProto`s (initializers and constants) into values.
struct TensorData {
  /// The folder external data files must stay inside; nil where external data is not allowed
  /// (constants inside nodes).
  let folder: URL?
  let limits: ONNXLimits

  /// ONNX element types this reader understands, by `TensorProto.DataType` number.
  enum ElementType: Int32 {
    case float = 1, uint8 = 2, int8 = 3, int16 = 5, int32 = 6, int64 = 7, bool = 9, float16 = 10, double = 11,
      uint32 = 12, uint64 = 13

    var byteCount: Int {
      switch self {
      case .uint8, .int8, .bool: 1
      case .int16, .float16: 2
      case .float, .int32, .uint32: 4
      case .int64, .double, .uint64: 8
      }
    }
    var isInteger: Bool { !(self == .float || self == .float16 || self == .double) }
  }

  func value(_ t: Onnx_TensorProto) throws -> Value {
    let name = t.name.isEmpty ? "a constant" : "tensor '\(t.name)'"
    guard let type = ElementType(rawValue: t.dataType) else {
      throw GraphError("\(name) has unsupported element type \(t.dataType)")
    }
    guard t.dims.allSatisfy({ $0 >= 0 && $0 <= Int64(limits.maxDimension) }) else {
      throw GraphError("\(name) has dimensions \(t.dims) (limit 0...\(limits.maxDimension))")
    }
    let shape = t.dims.map { Int($0) }
    try limits.check(shape: shape, name)
    let count = Shape.count(shape)
    let doubles: [Double]
    if type == .float, t.dataLocation != .external, !t.rawData.isEmpty {
      // float32 bytes straight into the tensor (the common case: no float64 copy of the weights).
      guard t.rawData.count == count * 4 else {
        throw GraphError("\(name) has \(t.rawData.count) bytes of data for shape of \(count) \(type) values (\(count * 4) expected)")
      }
      let scalars = t.rawData.withUnsafeBytes { b in (0..<count).map { Float(bitPattern: UInt32(littleEndian: b.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) } }
      return Value(Tensor(shape: shape, scalars: scalars))
    }
    if t.dataLocation == .external {
      doubles = try decode(raw: external(t, name: name, bytes: count * type.byteCount), type: type, count: count, name: name)
    } else if !t.rawData.isEmpty {
      doubles = try decode(raw: t.rawData, type: type, count: count, name: name)
    } else {
      doubles = try typedFields(t, type: type, count: count, name: name)
    }
    if type.isInteger { return Value(Tensor(shape: shape, doubles: doubles), isInteger: true) }
    return Value(Tensor(shape: shape, scalars: doubles.map(Float.init)))
  }

  private func typedFields(_ t: Onnx_TensorProto, type: ElementType, count: Int, name: String) throws -> [Double] {
    let values: [Double]
    switch type {
    case .float: values = t.floatData.map(Double.init)
    case .double: values = t.doubleData
    case .int64: values = t.int64Data.map(Double.init)
    case .uint32, .uint64: values = t.uint64Data.map(Double.init)
    case .float16: values = t.int32Data.map { Double(Float(Float16(bitPattern: UInt16(truncatingIfNeeded: $0)))) }
    case .int32, .int16, .int8, .uint8, .bool: values = t.int32Data.map(Double.init)
    }
    guard values.count == count else {
      throw GraphError("\(name) holds \(values.count) values for shape \(t.dims) (\(count) expected)")
    }
    return values
  }

  private func decode(raw: Data, type: ElementType, count: Int, name: String) throws -> [Double] {
    guard raw.count == count * type.byteCount else {
      throw GraphError("\(name) has \(raw.count) bytes of data for shape of \(count) \(type) values (\(count * type.byteCount) expected)")
    }
    return raw.withUnsafeBytes { (b: UnsafeRawBufferPointer) -> [Double] in
      func load<T: FixedWidthInteger>(_: T.Type, _ i: Int) -> T { T(littleEndian: b.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self)) }
      switch type {
      case .float: return (0..<count).map { Double(Float(bitPattern: load(UInt32.self, $0))) }
      case .double: return (0..<count).map { Double(bitPattern: load(UInt64.self, $0)) }
      case .float16: return (0..<count).map { Double(Float(Float16(bitPattern: load(UInt16.self, $0)))) }
      case .int64: return (0..<count).map { Double(load(Int64.self, $0)) }
      case .uint64: return (0..<count).map { Double(load(UInt64.self, $0)) }
      case .int32: return (0..<count).map { Double(load(Int32.self, $0)) }
      case .uint32: return (0..<count).map { Double(load(UInt32.self, $0)) }
      case .int16: return (0..<count).map { Double(load(Int16.self, $0)) }
      case .int8: return (0..<count).map { Double(load(Int8.self, $0)) }
      case .uint8, .bool: return (0..<count).map { Double(load(UInt8.self, $0)) }
      }
    }
  }

  /// The bytes of an external tensor: `location` relative to the model's folder (never leaving
  /// it), `offset` and `length` within the file.
  private func external(_ t: Onnx_TensorProto, name: String, bytes: Int) throws -> Data {
    var entries: [String: String] = [:]
    for e in t.externalData { entries[e.key] = e.value }
    guard let location = entries["location"], !location.isEmpty else {
      throw GraphError("\(name) is stored externally but names no location")
    }
    let parts = location.split(separator: "/", omittingEmptySubsequences: false)
    guard !location.hasPrefix("/"), !location.contains("\\"), !location.contains("\0"),
          !parts.contains(where: { $0 == ".." || $0.isEmpty }) else {
      throw GraphError("\(name): external data path '\(location)' leaves the model's folder")
    }
    guard let folder else { throw GraphError("\(name): only initializers may keep their data in external files") }
    let url = folder.appendingPathComponent(location)
    // A symbolic link may still point outside: compare the resolved paths.
    let root = folder.resolvingSymlinksInPath().standardizedFileURL.path
    let resolved = url.resolvingSymlinksInPath().standardizedFileURL.path
    guard resolved.hasPrefix(root.hasSuffix("/") ? root : root + "/") else {
      throw GraphError("\(name): external data path '\(location)' leaves the model's folder")
    }
    guard let offset = Int(entries["offset"] ?? "0"), offset >= 0,
          let length = Int(entries["length"] ?? String(bytes)), length >= 0 else {
      throw GraphError("\(name): external data offset or length is not a non-negative integer")
    }
    guard length == bytes else {
      throw GraphError("\(name): external data length \(length) does not match its shape (\(bytes) bytes)")
    }
    guard let handle = try? FileHandle(forReadingFrom: url) else {
      throw GraphError("\(name): cannot read external data file '\(location)'")
    }
    defer { try? handle.close() }
    let size = (try? handle.seekToEnd()).map(Int.init) ?? 0
    guard size <= limits.maxFileBytes else {
      throw GraphError("\(name): external data file '\(location)' is \(size) bytes (limit \(limits.maxFileBytes))")
    }
    guard offset <= size, length <= size - offset else {
      throw GraphError("\(name): external data '\(location)' is \(size) bytes, too short for offset \(offset) + length \(length)")
    }
    try? handle.seek(toOffset: UInt64(offset))
    guard let data = try? handle.read(upToCount: length), data.count == length else {
      throw GraphError("\(name): cannot read \(length) bytes of external data file '\(location)'")
    }
    return data
  }
}
