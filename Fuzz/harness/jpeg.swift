// libFuzzer target: JPEG decoding (libjpeg behind the setjmp guard in CImageSupport) including
// the EXIF orientation parser.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJPEG(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  let data = count == 0 ? Data() : Data(bytes: start!, count: count)
  if let image = try? JPEGCodec.decode(data, applyOrientation: true, maxPixels: 1 << 22) {
    precondition(image.width > 0 && image.height > 0)
  }
  _ = ExifOrientation.exifPayload(jpeg: [UInt8](data)).map { ExifOrientation.orientationTag(tiff: $0) }
  return 0
}
