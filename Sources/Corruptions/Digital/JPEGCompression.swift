import Foundation
import Imaging

extension Digital {
  /// JPEG encode at `quality` (4:2:0, libjpeg-turbo via Imaging) and decode.
  static func jpeg(_ img: RGBImage, quality: Int) throws -> RGBImage {
    do {
      let data = try JPEGCodec.encode(img, quality: quality)
      return try JPEGCodec.decode(data, applyOrientation: false)
    } catch let e as CorruptionError {
      throw e
    } catch {
      throw CorruptionError.codec("jpeg_compression: \(error)")
    }
  }
}
