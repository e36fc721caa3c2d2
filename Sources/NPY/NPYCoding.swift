import Foundation

extension NPYArray {
  /// Largest header a reader accepts; numpy itself never writes more than a few hundred bytes.
  static let maximumHeaderLength = 1 << 16

  /// Parses `.npy` bytes.
  /// - Throws: `NPYError` naming what is wrong (magic, header, truncation, unsupported type).
  public init(data: Data) throws {
    let bytes = [UInt8](data)
    guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1...5]) == Array("NUMPY".utf8) else {
      throw NPYError.badMagic
    }
    let major = bytes[6]
    let headerLength: Int
    let headerStart: Int
    switch major {
    case 1:
      headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
      headerStart = 10
    case 2, 3:
      guard bytes.count >= 12 else { throw NPYError.truncated("header length") }
      headerLength = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
      headerStart = 12
    default:
      throw NPYError.unsupported("format version \(major)")
    }
    guard headerLength <= Self.maximumHeaderLength else {
      throw NPYError.badHeader("header length \(headerLength) is too large")
    }
    guard bytes.count >= headerStart + headerLength else { throw NPYError.truncated("header") }
    guard
      let header = String(bytes: bytes[headerStart..<headerStart + headerLength], encoding: .utf8)
    else { throw NPYError.badHeader("not UTF-8") }
    let descr = try Self.value(of: "descr", in: header)
    let fortran = try Self.value(of: "fortran_order", in: header)
    let shapeText = try Self.value(of: "shape", in: header)
    guard let type = ElementType(rawValue: Self.unquoted(descr)) ?? Self.alias(Self.unquoted(descr))
    else { throw NPYError.unsupported("element type \(descr)") }
    guard fortran == "False" else { throw NPYError.unsupported("Fortran-ordered arrays") }
    let shape = try Self.parseShape(shapeText)
    var count = 1
    for d in shape {
      let (product, overflow) = count.multipliedReportingOverflow(by: d)
      guard !overflow, product <= Int(Int32.max) * 64 else {
        throw NPYError.badHeader("shape \(shapeText) is too large")
      }
      count = product
    }
    let start = headerStart + headerLength
    let needed = count * type.byteCount
    guard bytes.count - start >= needed else {
      throw NPYError.truncated("expected \(needed) data bytes, found \(bytes.count - start)")
    }
    self.init(shape: shape, elementType: type, payload: Data(bytes[start..<start + needed]))
  }

  /// Reads a `.npy` file.
  public init(contentsOf url: URL) throws {
    try self.init(data: try Data(contentsOf: url))
  }

  /// The `.npy` (format 1.0) encoding of the array, as numpy.save writes it.
  public func encoded() -> Data {
    let shapeText: String
    switch shape.count {
    case 0: shapeText = "()"
    case 1: shapeText = "(\(shape[0]),)"
    default: shapeText = "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }
    var header = "{'descr': '\(elementType.rawValue)', 'fortran_order': False, 'shape': \(shapeText), }"
    // Pad with spaces so that the data starts on a 64-byte boundary, ending in a newline.
    let unpadded = 10 + header.utf8.count + 1
    header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
    var out = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
    let n = header.utf8.count
    out.append(contentsOf: [UInt8(n & 0xff), UInt8(n >> 8)])
    out.append(contentsOf: Array(header.utf8))
    out.append(payload)
    return out
  }

  private static func alias(_ descr: String) -> ElementType? {
    switch descr {
    case "<u1", "u1", "B": return .uint8
    case "<i1", "i1": return .int8
    case "<b1", "b1", "?": return .bool
    case "float32", "f4": return .float32
    case "float64", "f8": return .float64
    default: return nil
    }
  }

  private static func unquoted(_ s: String) -> String {
    s.trimmingCharacters(in: CharacterSet(charactersIn: "'\" "))
  }

  /// Extracts the text of one key's value from the header dictionary literal.
  private static func value(of key: String, in header: String) throws -> String {
    guard let keyRange = header.range(of: "'\(key)'") ?? header.range(of: "\"\(key)\"") else {
      throw NPYError.badHeader("missing '\(key)'")
    }
    var rest = header[keyRange.upperBound...].drop { $0 == " " }
    guard rest.first == ":" else { throw NPYError.badHeader("no ':' after '\(key)'") }
    rest = rest.dropFirst().drop { $0 == " " }
    if rest.first == "(" {
      guard let close = rest.firstIndex(of: ")") else { throw NPYError.badHeader("unclosed shape") }
      return String(rest[...close])
    }
    let end = rest.firstIndex { $0 == "," || $0 == "}" } ?? rest.endIndex
    return String(rest[..<end]).trimmingCharacters(in: .whitespaces)
  }

  private static func parseShape(_ text: String) throws -> [Int] {
    let inner = text.trimmingCharacters(in: CharacterSet(charactersIn: "() "))
    if inner.isEmpty { return [] }
    return try inner.split(separator: ",").compactMap { part -> Int? in
      let t = part.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "L", with: "")
      if t.isEmpty { return nil }
      guard let v = Int(t), v >= 0 else { throw NPYError.badHeader("bad dimension '\(t)'") }
      return v
    }
  }
}
