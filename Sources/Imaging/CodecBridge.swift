import CImageSupport
import Foundation

/// Moves results out of the C wrappers in CImageSupport.
enum CodecBridge {
  /// Runs a C decoder on `data` and turns its result into an `RGBImage` or an `ImageError`.
  static func decode(
    _ data: Data, format: String, maxPixels: Int,
    _ decoder: (UnsafePointer<UInt8>?, Int, UInt64, UnsafeMutablePointer<cis_image>) -> Int32
  ) throws -> (image: RGBImage, sourceColorSpace: Int) {
    if data.isEmpty { throw ImageError.invalid("\(format): empty data (zero bytes)") }
    var result = cis_image()
    let code = data.withUnsafeBytes { raw in
      decoder(
        raw.bindMemory(to: UInt8.self).baseAddress, raw.count, UInt64(max(0, maxPixels)), &result)
    }
    defer { cis_free(result.pixels) }
    guard code == Int32(CIS_OK), let pixels = result.pixels else {
      throw error(code: code, format: format, message: &result.message)
    }
    let count = Int(result.width) * Int(result.height) * 3
    let bytes = [UInt8](UnsafeBufferPointer(start: pixels, count: count))
    let image = RGBImage(width: Int(result.width), height: Int(result.height), pixels: bytes)
    return (image, Int(result.sourceColorSpace))
  }

  /// Runs a C encoder and returns its bytes or throws an `ImageError`.
  static func encode(
    format: String, _ encoder: (UnsafeMutablePointer<cis_buffer>) -> Int32
  ) throws -> Data {
    var result = cis_buffer()
    let code = encoder(&result)
    defer { cis_free(result.bytes) }
    guard code == Int32(CIS_OK), let bytes = result.bytes else {
      throw error(code: code, format: format, message: &result.message)
    }
    return Data(bytes: bytes, count: result.count)
  }

  private static func error<T>(code: Int32, format: String, message: inout T) -> ImageError {
    var text = withUnsafeBytes(of: &message) { raw in
      String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
    }
    if text.isEmpty { text = code == Int32(CIS_NO_MEMORY) ? "out of memory" : "unknown error" }
    switch code {
    case Int32(CIS_UNSUPPORTED): return .unsupported("\(format): \(text)")
    default: return .invalid("\(format): \(text)")
    }
  }
}
