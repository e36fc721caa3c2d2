import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

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
    do {
      // A zero-byte file is refused before reading: Foundation's Data(contentsOf:) leaks its
      // buffer for empty files on Linux (LeakSanitizer, swift 6.3).
      let size = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue
      if size == 0 { throw ImageError.invalid("\(url.path): empty file (zero bytes)") }
      data = try Data(contentsOf: url)
    } catch let error as ImageError {
      throw error
    } catch {
      throw ImageError.invalid("\(url.path): cannot read file (\(error.localizedDescription))")
    }
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
    try writeAtomically(data, to: url)
  }

  /// Writes `data` to a unique temporary file beside `url`, then renames it onto `url`.
  ///
  /// The temporary file is named `.<name>.<pid>.<uuid>.tmp`, so that a later run can tell
  /// the leftovers of a killed process (see ``isStaleTemporaryFile(_:)``) from files that a
  /// live process is still writing.
  static func writeAtomically(_ data: Data, to url: URL) throws {
    let directory = url.deletingLastPathComponent()
    let temporary = directory.appendingPathComponent(
      ".\(url.lastPathComponent).\(getpid()).\(UUID().uuidString).tmp")
    do {
      try data.write(to: temporary, options: [.withoutOverwriting])
    } catch {
      try? FileManager.default.removeItem(at: temporary)
      throw ImageError.invalid("\(url.path): cannot write (\(error.localizedDescription))")
    }
    if rename(temporary.path, url.path) != 0 {
      let reason = String(cString: strerror(errno))
      try? FileManager.default.removeItem(at: temporary)
      throw ImageError.invalid("\(url.path): cannot rename temporary file into place (\(reason))")
    }
  }

  /// Whether `name` is a temporary file of ``write(_:to:quality:)`` left by a process that no
  /// longer exists (killed while writing). Such files can be deleted.
  public static func isStaleTemporaryFile(_ name: String) -> Bool {
    guard name.hasPrefix("."), name.hasSuffix(".tmp") else { return false }
    let parts = name.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count >= 5, let pid = Int32(parts[parts.count - 3]), pid > 0,
      UUID(uuidString: String(parts[parts.count - 2])) != nil
    else { return false }
    return pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH
  }
}
