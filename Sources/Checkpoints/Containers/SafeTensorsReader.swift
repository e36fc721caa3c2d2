import Foundation

/// safetensors reading: `u64 LE header length N | N bytes JSON | data`.
///
/// Validation: header length against ``CheckpointLimits/maxSafeTensorsHeaderBytes`` and the
/// file size; a JSON object whose optional `__metadata__` maps strings to strings; known dtype
/// codes; non-negative shapes without overflow; `data_offsets` inside the buffer, matching
/// `numel * dtype size`, and tiling the buffer exactly (no gap, no overlap, no trailing bytes).
extension SafeTensors {
  /// Reads a safetensors file.
  public static func read(contentsOf url: URL, limits: CheckpointLimits = CheckpointLimits()) throws -> SafeTensorsFile {
    try CheckpointError.context(url.path) {
      try decode(try FileLoader.read(url), limits: limits)
    }
  }

  /// Decodes safetensors bytes. Tensors are returned in data-offset order.
  public static func decode(_ input: Data, limits: CheckpointLimits = CheckpointLimits()) throws -> SafeTensorsFile {
    let data = input.startIndex == 0 ? input : Data(input)
    guard data.count >= 8 else {
      throw CheckpointError.truncated("safetensors file of \(data.count) bytes has no 8-byte header length")
    }
    let n = data[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    guard n <= UInt64(limits.maxSafeTensorsHeaderBytes) else {
      throw CheckpointError.limitExceeded("safetensors header length \(n) exceeds the limit of \(limits.maxSafeTensorsHeaderBytes)")
    }
    let headerLength = Int(n)
    guard headerLength <= data.count - 8 else {
      throw CheckpointError.truncated("safetensors header of \(headerLength) bytes runs past the end of the \(data.count)-byte file")
    }
    // Every tensor entry has a "data_offsets" key: an upper bound on the tensor count, found
    // before the JSON is parsed into objects.
    let headerBytes = data[8..<(8 + headerLength)]
    let entries = Self.occurrences(of: Array("data_offsets".utf8), in: headerBytes)
    guard entries <= limits.maxTensorCount else {
      throw CheckpointError.limitExceeded("safetensors header lists \(entries) tensors, over the limit of \(limits.maxTensorCount)")
    }
    let json: Any
    do {
      json = try JSONSerialization.jsonObject(with: headerBytes)
    } catch {
      throw CheckpointError.invalidSafeTensors("header is not valid JSON")
    }
    guard let header = json as? [String: Any] else {
      throw CheckpointError.invalidSafeTensors("header JSON is not an object")
    }
    guard header.count <= limits.maxTensorCount + 1 else {  // + 1: __metadata__
      throw CheckpointError.limitExceeded("safetensors header lists \(header.count) tensors, over the limit of \(limits.maxTensorCount)")
    }
    let bufferStart = 8 + headerLength
    let bufferLength = data.count - bufferStart
    var metadata: [String: String] = [:]
    var specs: [(name: String, dtype: CheckpointDType, shape: [Int], begin: Int, end: Int)] = []
    for (name, value) in header {
      if name == "__metadata__" {
        guard let m = value as? [String: Any] else {
          throw CheckpointError.invalidSafeTensors("__metadata__ must map strings to strings")
        }
        for (k, v) in m {
          guard let s = v as? String else { throw CheckpointError.invalidSafeTensors("__metadata__ must map strings to strings ('\(k)')") }
          metadata[k] = s
        }
        continue
      }
      guard let info = value as? [String: Any], let code = info["dtype"] as? String,
            let shapeValues = info["shape"] as? [Any], let offsetValues = info["data_offsets"] as? [Any]
      else {
        throw CheckpointError.invalidSafeTensors("tensor '\(name)' needs dtype, shape and data_offsets")
      }
      guard let dtype = CheckpointDType(safeTensorsCode: code) else {
        throw CheckpointError.invalidSafeTensors("tensor '\(name)': dtype '\(code)' is not supported")
      }
      let shape = try integers(shapeValues, "tensor '\(name)': shape")
      let offsets = try integers(offsetValues, "tensor '\(name)': data_offsets")
      guard offsets.count == 2, offsets[0] >= 0, offsets[0] <= offsets[1] else {
        throw CheckpointError.invalidSafeTensors("tensor '\(name)': data_offsets \(offsets) are not [begin, end]")
      }
      guard offsets[1] <= bufferLength else {
        throw CheckpointError.invalidSafeTensors(
          "tensor '\(name)': data_offsets \(offsets) run past the end of the \(bufferLength)-byte data buffer")
      }
      let count = try TensorLayout.elementCount(shape, limits: limits, what: "tensor '\(name)'")
      let (bytes, overflow) = count.multipliedReportingOverflow(by: dtype.byteCount)
      guard !overflow, bytes <= limits.maxTensorBytes else {
        throw CheckpointError.limitExceeded("tensor '\(name)' is too large")
      }
      guard bytes == offsets[1] - offsets[0] else {
        throw CheckpointError.invalidSafeTensors(
          "tensor '\(name)': shape \(shape) of \(code) needs \(bytes) bytes but data_offsets span \(offsets[1] - offsets[0])")
      }
      specs.append((name, dtype, shape, offsets[0], offsets[1]))
    }
    specs.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
    var end = 0
    var previous = "<start of buffer>"
    for s in specs {
      if s.begin < end {
        throw CheckpointError.invalidSafeTensors("tensors '\(previous)' and '\(s.name)' overlap")
      }
      if s.begin > end {
        throw CheckpointError.invalidSafeTensors("gap of \(s.begin - end) bytes before tensor '\(s.name)'")
      }
      end = s.end
      previous = s.name
    }
    guard end == bufferLength else {
      throw CheckpointError.invalidSafeTensors("\(bufferLength - end) trailing bytes after the last tensor")
    }
    let tensors = specs.map { s in
      let start = bufferStart + s.begin
      return (name: s.name, tensor: CheckpointTensor(unchecked: s.shape, dtype: s.dtype, data: data.subdata(in: start..<(bufferStart + s.end))))
    }
    return SafeTensorsFile(tensors: tensors, metadata: metadata)
  }

  private static func integers(_ values: [Any], _ what: String) throws -> [Int] {
    try values.map { v in
      if let i = v as? Int { return i }
      if let d = v as? Double, d.isFinite, d == d.rounded() {
        throw CheckpointError.limitExceeded("\(what) value \(d) is too large")
      }
      throw CheckpointError.invalidSafeTensors("\(what) contains a non-integer")
    }
  }

  /// How many times `needle` occurs in `bytes`.
  static func occurrences(of needle: [UInt8], in bytes: Data) -> Int {
    bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Int in
      guard raw.count >= needle.count, let first = needle.first else { return 0 }
      var n = 0
      var i = 0
      while i <= raw.count - needle.count {
        if raw[i] == first && needle.indices.allSatisfy({ raw[i + $0] == needle[$0] }) {
          n += 1
          i += needle.count
        } else {
          i += 1
        }
      }
      return n
    }
  }
}
