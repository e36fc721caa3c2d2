import Foundation

/// Errors from reading or writing images; each names the problem in one line.
public enum ImageError: Error, CustomStringConvertible, Equatable {
  /// The data is not a supported or valid image; the string says why.
  case invalid(String)
  /// The feature is not supported.
  case unsupported(String)

  public var description: String {
    switch self {
    case .invalid(let why): return "invalid image: \(why)"
    case .unsupported(let why): return "unsupported image: \(why)"
    }
  }
}

/// PNG encoding and decoding (libpng).
public enum PNGCodec {
  /// Decodes PNG bytes to RGB (8/16-bit, grey, grey+alpha, palette, RGBA).
  public static func decode(_ data: Data) throws -> RGBImage {
    throw ImageError.unsupported("PNG decoding is not implemented yet")
  }

  /// Encodes an image as an 8-bit RGB PNG.
  public static func encode(_ image: RGBImage) throws -> Data {
    throw ImageError.unsupported("PNG encoding is not implemented yet")
  }
}

/// JPEG encoding and decoding (libjpeg-turbo, ISLOW DCT, 4:2:0 like Pillow).
public enum JPEGCodec {
  /// Decodes JPEG bytes to RGB, applying the EXIF orientation when `applyOrientation` is true.
  public static func decode(_ data: Data, applyOrientation: Bool = true) throws -> RGBImage {
    throw ImageError.unsupported("JPEG decoding is not implemented yet")
  }

  /// Encodes an image as baseline JPEG with the given quality (1-100), 4:2:0 chroma subsampling.
  public static func encode(_ image: RGBImage, quality: Int) throws -> Data {
    throw ImageError.unsupported("JPEG encoding is not implemented yet")
  }
}
