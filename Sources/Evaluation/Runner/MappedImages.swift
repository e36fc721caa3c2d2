import Foundation
import Imaging

/// A memory-mapped .npy of uint8 images [count, H, W, 3] (C order).
struct MappedImages: @unchecked Sendable {
  let data: Data
  let offset: Int
  let count: Int
  let height: Int
  let width: Int

  init(_ url: URL) throws {
    guard FileManager.default.fileExists(atPath: url.path) else { throw EvaluationError.io("\(url.path): no such file") }
    data = try Data(contentsOf: url, options: .alwaysMapped)
    let (descr, shape, offset) = try Self.header(data, url)
    guard descr == "|u1" || descr == "<u1", shape.count == 4, shape[3] == 3 else {
      throw EvaluationError.format("\(url.path): expected uint8 images [N, H, W, 3], got \(descr) \(shape)")
    }
    guard data.count >= offset + shape.reduce(1, *) else { throw EvaluationError.format("\(url.path): file is truncated") }
    self.offset = offset
    (count, height, width) = (shape[0], shape[1], shape[2])
  }

  func image(_ k: Int) -> RGBImage {
    let size = height * width * 3
    let start = offset + k * size
    return RGBImage(width: width, height: height, pixels: [UInt8](data[start..<(start + size)]))
  }

  /// Integer labels of a 1-D .npy (uint8 or any int type).
  static func readLabels(_ url: URL) throws -> [Int] {
    guard FileManager.default.fileExists(atPath: url.path) else { throw EvaluationError.io("\(url.path): no such file") }
    let data = try Data(contentsOf: url)
    let (descr, shape, offset) = try header(data, url)
    guard shape.count == 1 else { throw EvaluationError.format("\(url.path): labels must be 1-D, got \(shape)") }
    let n = shape[0]
    let sizes: [String: Int] = ["|u1": 1, "<u1": 1, "|i1": 1, "<i2": 2, "<u2": 2, "<i4": 4, "<u4": 4, "<i8": 8, "<u8": 8]
    guard let size = sizes[descr], data.count >= offset + n * size else { throw EvaluationError.format("\(url.path): unsupported labels \(descr)") }
    let bytes = [UInt8](data[offset..<(offset + n * size)])
    return (0..<n).map { i in
      var v: UInt64 = 0
      for b in 0..<size { v |= UInt64(bytes[i * size + b]) << (8 * UInt64(b)) }
      if descr.contains("i"), size < 8, v >> (8 * UInt64(size) - 1) & 1 == 1 { return Int(v) - (1 << (8 * size)) }
      return Int(Int64(bitPattern: v))
    }
  }

  /// Parses an .npy header: (descr, shape, data offset). Fortran order is rejected.
  static func header(_ data: Data, _ url: URL) throws -> (String, [Int], Int) {
    let bytes = [UInt8](data.prefix(12))
    guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1...5]) == Array("NUMPY".utf8) else {
      throw EvaluationError.format("\(url.path): not an .npy file")
    }
    let major = bytes[6]
    let (len, start) = major == 1
      ? (Int(bytes[8]) | Int(bytes[9]) << 8, 10)
      : (Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24, 12)
    let text = String(decoding: data[start..<(start + len)], as: UTF8.self)
    func value(_ key: String) -> String? {
      guard let r = text.range(of: "'\(key)':") else { return nil }
      return String(text[r.upperBound...]).trimmingCharacters(in: .whitespaces)
    }
    guard let d = value("descr"), let q1 = d.firstIndex(of: "'"),
      let q2 = d[d.index(after: q1)...].firstIndex(of: "'"),
      let s = value("shape"), let open = s.firstIndex(of: "("), let close = s.firstIndex(of: ")")
    else { throw EvaluationError.format("\(url.path): unreadable .npy header") }
    if let f = value("fortran_order"), f.hasPrefix("True") { throw EvaluationError.format("\(url.path): Fortran-order arrays are not supported") }
    let descr = String(d[d.index(after: q1)..<q2])
    let shape = s[s.index(after: open)..<close].split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    return (descr, shape, start + len)
  }
}
