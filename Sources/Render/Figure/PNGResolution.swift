import Checksums
import Foundation

/// The physical resolution of a PNG (its `pHYs` chunk), so a figure rendered at 300 dpi opens at
/// its intended size in LaTeX, word processors and image viewers.
public enum PNGResolution {
  /// `png` with a `pHYs` chunk of `dotsPerInch` inserted right after `IHDR` (PNG 1.2, 11.3.3.3:
  /// pixels per metre, unit 1), replacing none: the encoder writes no `pHYs` of its own.
  /// - Precondition: `png` starts with the signature and an `IHDR` chunk (8 + 25 bytes).
  public static func setting(dotsPerInch: Double, in png: Data) -> Data {
    let perMetre = UInt32((dotsPerInch / 0.0254).rounded())
    var chunk = Data("pHYs".utf8)
    for _ in 0..<2 { chunk.append(contentsOf: bigEndian(perMetre)) }
    chunk.append(1)  // unit: metre
    var out = Data(png.prefix(33))
    out.append(contentsOf: bigEndian(UInt32(chunk.count - 4)))
    out.append(chunk)
    out.append(contentsOf: bigEndian(CRC32.checksum(chunk)))
    out.append(png.dropFirst(33))
    return out
  }

  /// The dots per inch a PNG's `pHYs` chunk declares, or nil without one (or unit not metre).
  public static func dotsPerInch(of png: Data) -> Double? {
    let bytes = [UInt8](png)
    var at = 8
    while at + 12 <= bytes.count {
      let length = Int(bytes[at..<at + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
      let type = String(decoding: bytes[at + 4..<at + 8], as: UTF8.self)
      if type == "pHYs", length == 9, at + 17 <= bytes.count, bytes[at + 16] == 1 {
        let x = bytes[at + 8..<at + 12].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return Double(x) * 0.0254
      }
      if type == "IDAT" { return nil }
      at += 12 + length
    }
    return nil
  }

  private static func bigEndian(_ v: UInt32) -> [UInt8] {
    [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
  }
}
