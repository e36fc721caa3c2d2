import AtomicFiles
import Foundation
import Imaging

/// PNG reading and writing through Cairo's built-in codec.
///
/// Useful for tests and tools that need PNGs without the `Imaging` codecs. Alpha, if present,
/// is dropped (colours are un-premultiplied).
public enum CairoPNG {
  /// Decodes the PNG file at `url` to RGB.
  public static func read(contentsOf url: URL) throws -> RGBImage {
    guard FileManager.default.fileExists(atPath: url.path) else {
      throw RenderError.io("no such file: \(url.path)")
    }
    return try CairoSurface.readPNG(path: url.path).rgbImage()
  }

  /// Encodes `image` as an RGB PNG.
  public static func encode(_ image: RGBImage) throws -> Data {
    guard image.width > 0, image.height > 0 else {
      throw RenderError.invalidInput("cannot encode an empty \(image.width)x\(image.height) image")
    }
    return try CairoSurface.from(image).pngData()
  }

  /// Encodes `image` as PNG and writes it to `url` atomically.
  public static func write(_ image: RGBImage, to url: URL) throws {
    let bytes = try encode(image)
    do throws(AtomicWriteError) { try AtomicWrite.write(bytes, to: url) } catch { throw RenderError(error) }
  }
}
