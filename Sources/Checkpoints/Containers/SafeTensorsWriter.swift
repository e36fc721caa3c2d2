import AtomicFiles
import Foundation

/// safetensors writing: tensors are packed back to back in the given order, the JSON header
/// is padded with spaces so the data starts on an 8-byte boundary, and the file is written with
/// ``AtomicWrite`` (a temporary file in the destination folder, renamed into place).
extension SafeTensors {
  /// Writes `tensors` (names must be unique and non-empty) to `url` atomically.
  public static func write(
    _ tensors: [(String, CheckpointTensor)], to url: URL, metadata: [String: String] = [:]
  ) throws {
    let bytes = try encode(tensors, metadata: metadata)
    try CheckpointError.context(url.path) {
      do throws(AtomicWriteError) { try AtomicWrite.write(bytes, to: url) } catch {
        switch error {
        case .write(_, let temporary, let reason):
          throw CheckpointError.io("cannot write temporary file \(temporary.path): \(reason)")
        case .rename(_, let temporary, let reason):
          throw CheckpointError.io("cannot rename \(temporary.lastPathComponent) to \(url.lastPathComponent): \(reason)")
        }
      }
    }
  }

  /// Writes a ``StateDict`` (its normalised keys) to `url` atomically.
  public static func write(_ stateDict: StateDict, to url: URL, metadata: [String: String] = [:]) throws {
    try write(stateDict.entries.map { ($0.key, $0.tensor) }, to: url, metadata: metadata)
  }

  /// The safetensors bytes for `tensors` and `metadata`.
  public static func encode(_ tensors: [(String, CheckpointTensor)], metadata: [String: String] = [:]) throws -> Data {
    var seen = Set<String>()
    var header = "{"
    var fields: [String] = []
    if !metadata.isEmpty {
      let pairs = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }
      fields.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
    }
    var offset = 0
    for (name, tensor) in tensors {
      guard !name.isEmpty, name != "__metadata__" else {
        throw CheckpointError.invalidSafeTensors("tensor name '\(name)' is not allowed")
      }
      guard seen.insert(name).inserted else { throw CheckpointError.invalidSafeTensors("duplicate tensor name '\(name)'") }
      let end = offset + tensor.data.count
      let shape = tensor.shape.map(String.init).joined(separator: ",")
      fields.append(
        "\(jsonString(name)):{\"dtype\":\"\(tensor.dtype.safeTensorsCode)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
      offset = end
    }
    header += fields.joined(separator: ",") + "}"
    var headerBytes = Data(header.utf8)
    let padding = (8 - headerBytes.count % 8) % 8
    headerBytes.append(contentsOf: [UInt8](repeating: 0x20, count: padding))
    var out = Data(capacity: 8 + headerBytes.count + offset)
    var n = UInt64(headerBytes.count).littleEndian
    withUnsafeBytes(of: &n) { out.append(contentsOf: $0) }
    out.append(headerBytes)
    for (_, tensor) in tensors { out.append(tensor.data) }
    return out
  }

  /// A JSON string literal with the mandatory escapes.
  static func jsonString(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if scalar.value < 0x20 {
          out += String(format: "\\u%04x", scalar.value)
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }
}
