import CImageSupport
import Foundation

/// JPEG encoding and decoding (libjpeg-turbo, ISLOW DCT, 4:2:0 like Pillow).
public enum JPEGCodec {
  /// Decodes JPEG bytes to RGB, applying the EXIF orientation when `applyOrientation` is true.
  ///
  /// Baseline and progressive files; YCbCr, RGB and grey are decoded by libjpeg to RGB with the
  /// ISLOW IDCT and fancy upsampling (Pillow's defaults); CMYK/YCCK are converted as Pillow's
  /// `convert("RGB")` does (Adobe-inverted CMYK assumed). With `applyOrientation`, the result is
  /// Pillow's `ImageOps.exif_transpose(img).convert("RGB")`. Uses `ImageLimits.maxPixels`.
  /// - Throws: `ImageError` for a missing SOI marker, truncated data (Pillow's "image file is
  ///   truncated"), an oversize header, or any other libjpeg error.
  public static func decode(_ data: Data, applyOrientation: Bool = true) throws -> RGBImage {
    try decode(data, applyOrientation: applyOrientation, maxPixels: ImageLimits.maxPixels)
  }

  /// Decodes JPEG bytes to RGB, refusing images with more than `maxPixels` pixels.
  public static func decode(_ data: Data, applyOrientation: Bool = true, maxPixels: Int) throws
    -> RGBImage
  {
    let image = try CodecBridge.decode(data, format: "JPEG", maxPixels: maxPixels) {
      cis_jpeg_decode($0, $1, $2, $3)
    }.image
    guard applyOrientation, let orientation = ExifOrientation(jpeg: data) else { return image }
    return orientation.normalize(image)
  }

  /// Encodes an image as baseline JPEG with the given quality (1-100), 4:2:0 chroma subsampling.
  ///
  /// Same settings as Pillow's `img.save(f, "JPEG", quality=q)`: JFIF header, standard tables
  /// scaled by `quality` with baseline clamping, ISLOW forward DCT, 2x2 luma / 1x1 chroma,
  /// standard Huffman tables; the bytes match Pillow's (see ImagingTests).
  /// - Throws: `ImageError` for quality outside 1...100 or an empty or oversize image.
  public static func encode(_ image: RGBImage, quality: Int) throws -> Data {
    guard (1...100).contains(quality) else {
      throw ImageError.invalid("JPEG: quality \(quality) is not in 1...100")
    }
    return try image.pixels.withUnsafeBufferPointer { pixels in
      try CodecBridge.encode(format: "JPEG") {
        cis_jpeg_encode(
          pixels.baseAddress, Int32(clamping: image.width), Int32(clamping: image.height), Int32(quality), $0)
      }
    }
  }
}
