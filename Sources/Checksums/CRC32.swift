import CZlib
import Foundation

/// CRC-32 (IEEE 802.3, as in zip and Python's `zlib.crc32`), computed by zlib's `crc32`.
public enum CRC32 {
  /// The CRC-32 of `bytes`, continuing from `crc` (0 to start).
  public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
    guard var p = bytes.baseAddress?.assumingMemoryBound(to: Bytef.self) else { return crc }
    var value = UInt(crc), left = bytes.count
    while left > 0 {  // zlib takes a 32-bit length
      let n = min(left, Int(UInt32.max))
      value = crc32(value, p, uInt(n))
      p += n
      left -= n
    }
    return UInt32(truncatingIfNeeded: value)
  }

  /// The CRC-32 of `data`.
  public static func checksum(_ data: Data) -> UInt32 { data.withUnsafeBytes { checksum($0) } }

  /// The CRC-32 of `bytes`.
  public static func checksum(_ bytes: [UInt8]) -> UInt32 { bytes.withUnsafeBytes { checksum($0) } }

  /// The CRC-32 of a string's UTF-8 bytes as 8 lowercase hex digits.
  public static func hex(_ text: String) -> String {
    let s = String(checksum(Array(text.utf8)), radix: 16)
    return String(repeating: "0", count: 8 - s.count) + s
  }
}
