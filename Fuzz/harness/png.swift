// libFuzzer target: PNG decoding (libpng behind the setjmp guard in CImageSupport).
// maxPixels is lowered so that huge-but-valid declared sizes stay fast.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPNG(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  let data = count == 0 ? Data() : Data(bytes: start!, count: count)
  if let image = try? PNGCodec.decode(data, maxPixels: 1 << 22) {
    precondition(image.width > 0 && image.height > 0)
  }
  return 0
}
