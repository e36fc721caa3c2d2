import CZlib
import Foundation

/// Raw-deflate decoding (zip compression method 8) with zlib's `inflate`, output bounded.
enum RawInflate {
  /// The bytes `input` inflates to, which must be exactly `declared` bytes. The output buffer
  /// holds `declared + 1` bytes, so a stream that lies about its size (a zip bomb) stops after
  /// one byte too many; a truncated or corrupt stream is an error, never a partial result.
  static func inflate(_ input: Data, declared: Int, entry name: String) throws -> Data {
    var stream = z_stream()
    guard inflateInit2_(&stream, -MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
      throw CheckpointError.invalidZip("cannot start inflating entry '\(name)': \(String(cString: zError(Z_MEM_ERROR)))")
    }
    defer { inflateEnd(&stream) }
    var output = Data(count: declared + 1)
    let status = input.withUnsafeBytes { inBytes in
      output.withUnsafeMutableBytes { outBytes in
        stream.next_in = UnsafeMutablePointer(mutating: inBytes.bindMemory(to: Bytef.self).baseAddress)
        stream.next_out = outBytes.bindMemory(to: Bytef.self).baseAddress
        // zlib counts in 32 bits: hand over at most 4 GiB at a time.
        var inLeft = inBytes.count, outLeft = outBytes.count
        var status = Z_OK
        while status == Z_OK {
          if stream.avail_in == 0, inLeft > 0 {
            stream.avail_in = uInt(min(inLeft, Int(uInt.max)))
            inLeft -= Int(stream.avail_in)
          }
          if stream.avail_out == 0 {
            guard outLeft > 0 else { break }
            stream.avail_out = uInt(min(outLeft, Int(uInt.max)))
            outLeft -= Int(stream.avail_out)
          }
          status = CZlib.inflate(&stream, Z_NO_FLUSH)
        }
        return status
      }
    }
    let produced = Int(stream.total_out)
    guard produced <= declared else {
      throw CheckpointError.limitExceeded("zip entry '\(name)' inflates beyond its declared \(declared) bytes (zip bomb?)")
    }
    guard status == Z_STREAM_END else {
      throw CheckpointError.invalidZip("deflate stream of entry '\(name)' is truncated or corrupt")
    }
    guard produced == declared else {
      throw CheckpointError.invalidZip("entry '\(name)' inflates to \(produced) bytes, declared \(declared)")
    }
    output.count = declared
    return output
  }
}
