import AtomicFiles
import Foundation

/// Reading and writing image files.
public enum ImageFile {
  /// Reads a PNG or JPEG file as RGB, choosing the decoder by the file's magic bytes (not its
  /// extension). JPEG EXIF orientation is applied. Errors name the file.
  /// - Throws: `ImageError` (unreadable file, unknown signature, or a decoder error).
  public static func read(_ url: URL) throws -> RGBImage {
    try read(url, maxPixels: ImageLimits.maxPixels)
  }

  /// Reads a PNG or JPEG file, refusing images with more than `maxPixels` pixels.
  ///
  /// Pass `applyOrientation: false` to get JPEG pixels as stored, which is what torchvision's
  /// default loader (`Image.open(f).convert("RGB")`, no `exif_transpose`) sees.
  public static func read(_ url: URL, maxPixels: Int, applyOrientation: Bool = true) throws
    -> RGBImage
  {
    let data: Data
    do throws(FileBytes.Failure) {
      // A zero-byte file is not read (InputFile returns no bytes): Foundation's
      // Data(contentsOf:) leaks its buffer for empty files on Linux (LeakSanitizer, swift 6.3).
      data = try InputFile.read(url)
    } catch {
      throw ImageError.invalid("\(url.path): cannot read file (\(error.reason))")
    }
    if data.isEmpty { throw ImageError.invalid("\(url.path): empty file (zero bytes)") }
    do {
      if data.isEmpty { throw ImageError.invalid("empty file (zero bytes)") }
      switch ImageFormat(magic: data) {
      case .png: return try PNGCodec.decode(data, maxPixels: maxPixels)
      case .jpeg:
        return try JPEGCodec.decode(
          data, applyOrientation: applyOrientation, maxPixels: maxPixels)
      case nil:
        let head = data.prefix(8).map { String(format: "%02X", $0) }.joined(separator: " ")
        throw ImageError.unsupported("unknown file signature (\(head)); expected PNG or JPEG")
      }
    } catch let error as ImageError {
      throw error.prefixed(url.path)
    }
  }

  /// Writes `image` as PNG or JPEG, chosen by the extension of `url` (`.png`, `.jpg`, `.jpeg`),
  /// atomically: the bytes go to a temporary file in the same directory, which is then renamed
  /// over `url`, so readers never see a partial file. `quality` (1-100) applies to JPEG only.
  /// - Throws: `ImageError` for an unknown extension, an encoder error, or an I/O failure.
  public static func write(_ image: RGBImage, to url: URL, quality: Int = 95) throws {
    try writeAtomically(try encode(image, for: url, quality: quality), to: url)
  }

  /// The PNG or JPEG bytes of `image`, chosen by the extension of `url` (see ``write(_:to:quality:)``).
  /// - Throws: `ImageError` for an unknown extension or an encoder error, naming `url`.
  public static func encode(_ image: RGBImage, for url: URL, quality: Int = 95) throws -> Data {
    guard let format = ImageFormat(pathExtension: url.pathExtension) else {
      throw ImageError.unsupported(
        "\(url.path): unknown extension '\(url.pathExtension)'; use .png, .jpg or .jpeg")
    }
    let data: Data
    do {
      switch format {
      case .png: data = try PNGCodec.encode(image)
      case .jpeg: data = try JPEGCodec.encode(image, quality: quality)
      }
    } catch let error as ImageError {
      throw error.prefixed(url.path)
    }
    return data
  }

  /// Writes `data` with ``AtomicWrite``, its failures as `ImageError.write` naming `url`.
  static func writeAtomically(_ data: Data, to url: URL) throws {
    do throws(AtomicWriteError) { try AtomicWrite.write(data, to: url) } catch {
      switch error {
      case .write(_, _, let reason): throw ImageError.write("cannot write \(url.path): \(reason)")
      case .rename(_, _, let reason):
        throw ImageError.write("cannot rename a temporary file to \(url.path): \(reason)")
      }
    }
  }
}
