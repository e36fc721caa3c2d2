import Foundation

/// The parsed header of a `.npy` file: element type, shape and where the data starts, every
/// field checked (magic, version, header length within the file, UTF-8, dtype, C order,
/// non-negative dimensions whose product cannot overflow, data present). The one `.npy`
/// parser: ``NPYArray/init(data:)`` copies the payload it describes, memory-mapped readers
/// (CIFAR-10-C folders) use it to index into the mapped file.
public struct NPYHeader: Equatable, Sendable {
  /// Largest header a reader accepts; numpy itself never writes more than a few hundred bytes.
  public static let maximumHeaderLength = 1 << 16
  /// Largest element count accepted (128 Gi elements), so byte sizes never overflow.
  public static let maximumElementCount = Int(Int32.max) * 64

  public var elementType: NPYArray.ElementType
  public var shape: [Int]
  /// Byte offset of the first element.
  public var dataOffset: Int
  /// Elements in the array (the product of `shape`, checked).
  public var count: Int
  /// Bytes of data (`count` times the element size, checked to be in the file).
  public var dataByteCount: Int { count * elementType.byteCount }

  /// Parses and checks the header at the start of `data` (the whole file, so that the data
  /// size can be checked too).
  /// - Throws: `NPYError` naming what is wrong.
  public init(parsing data: Data) throws {
    let prefix = [UInt8](data.prefix(12))
    guard prefix.count >= 10, prefix[0] == 0x93, Array(prefix[1...5]) == Array("NUMPY".utf8) else {
      throw NPYError.badMagic
    }
    let headerLength: Int
    let headerStart: Int
    switch prefix[6] {
    case 1:
      headerLength = Int(prefix[8]) | Int(prefix[9]) << 8
      headerStart = 10
    case 2, 3:
      guard prefix.count >= 12 else { throw NPYError.truncated("header length") }
      headerLength = (0..<4).reduce(0) { $0 | Int(prefix[8 + $1]) << (8 * $1) }
      headerStart = 12
    default:
      throw NPYError.unsupported("format version \(prefix[6])")
    }
    guard headerLength <= Self.maximumHeaderLength else {
      throw NPYError.badHeader("header length \(headerLength) is too large")
    }
    guard data.count >= headerStart + headerLength else {
      throw NPYError.truncated("header")
    }
    let base = data.startIndex
    guard let header = String(bytes: data[(base + headerStart)..<(base + headerStart + headerLength)], encoding: .utf8)
    else { throw NPYError.badHeader("not UTF-8") }
    let descr = try Self.value(of: "descr", in: header)
    let fortran = try Self.value(of: "fortran_order", in: header)
    let shapeText = try Self.value(of: "shape", in: header)
    guard let type = NPYArray.ElementType(rawValue: Self.unquoted(descr)) ?? Self.alias(Self.unquoted(descr))
    else { throw NPYError.unsupported("element type \(descr)") }
    guard fortran == "False" else { throw NPYError.unsupported("Fortran-ordered arrays") }
    let shape = try Self.parseShape(shapeText)
    var count = 1
    for d in shape {
      let (product, overflow) = count.multipliedReportingOverflow(by: d)
      guard !overflow, product <= Self.maximumElementCount else {
        throw NPYError.badHeader("shape \(shapeText) is too large")
      }
      count = product
    }
    let start = headerStart + headerLength
    let needed = count * type.byteCount
    guard data.count - start >= needed else {
      throw NPYError.truncated("expected \(needed) data bytes, found \(data.count - start)")
    }
    self.elementType = type
    self.shape = shape
    self.dataOffset = start
    self.count = count
  }

  private static func alias(_ descr: String) -> NPYArray.ElementType? {
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
