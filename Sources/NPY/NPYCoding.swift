import Foundation

extension NPYArray {
  /// Parses `.npy` bytes (header checked by ``NPYHeader``, payload copied).
  /// - Throws: `NPYError` naming what is wrong (magic, header, truncation, unsupported type).
  public init(data: Data) throws {
    let header = try NPYHeader(parsing: data)
    let start = data.startIndex + header.dataOffset
    self.init(shape: header.shape, elementType: header.elementType, payload: Data(data[start..<(start + header.dataByteCount)]))
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
}
