import CImageSupport
import Foundation

/// PNG encoding and decoding (libpng).
public enum PNGCodec {
  /// Decodes PNG bytes to RGB (8/16-bit, grey, grey+alpha, palette incl. tRNS, RGB, RGBA).
  ///
  /// Matches Pillow's `Image.open(f).convert("RGB")`: palettes are looked up, grey is
  /// replicated, alpha and tRNS transparency are dropped (not composited), 16-bit samples keep
  /// their high byte, gamma chunks are ignored. Uses `ImageLimits.maxPixels`.
  /// - Throws: `ImageError` for a bad signature, truncation, bad CRC (any chunk), an oversize
  ///   header, or any other libpng error.
  public static func decode(_ data: Data) throws -> RGBImage {
    try decode(data, maxPixels: ImageLimits.maxPixels)
  }

  /// Decodes PNG bytes to RGB, refusing images with more than `maxPixels` pixels.
  public static func decode(_ data: Data, maxPixels: Int) throws -> RGBImage {
    try CodecBridge.decode(data, format: "PNG", maxPixels: maxPixels) {
      cis_png_decode($0, $1, $2, $3)
    }.image
  }

  /// Encodes an image as a non-interlaced 8-bit RGB PNG.
  ///
  /// Rows are filtered as libpng's adaptive filtering picks and deflated in bands of about
  /// 1 MiB on all cores (one zlib stream; the bytes do not depend on the number of cores).
  /// - Parameters:
  ///   - compression: zlib level 0-9, or nil for libpng's default (6). Level 3 writes about 15%
  ///     more bytes than 6 in a third of the time (a large figure grid: 0.36 s vs 0.96 s).
  ///   - runLength: zlib's run-length strategy (Z_RLE) instead of its default; the level then
  ///     hardly matters. On a heatmap figure it is both faster and smaller than level 3 (the main
  ///     job's 1596 x 5202 figure: 8.08 MB against 8.39 MB, in two thirds of the time).
  /// - Throws: `ImageError` for an empty image.
  public static func encode(_ image: RGBImage, compression: Int? = nil, runLength: Bool = false) throws -> Data {
    try image.pixels.withUnsafeBufferPointer { pixels in
      try encode(pixels, width: image.width, height: image.height, channels: 3, compression: compression, runLength: runLength)
    }
  }

  /// Encodes 8-bit grey samples (`width * height` bytes, row-major) as an 8-bit greyscale PNG:
  /// a third of the samples of RGB, for single-channel data such as quantised heatmaps.
  /// - Throws: `ImageError` for an empty size or a sample count that is not `width * height`.
  public static func encodeGrey(_ samples: [UInt8], width: Int, height: Int, compression: Int? = nil) throws -> Data {
    guard width > 0, height > 0, samples.count == width * height else {
      throw ImageError.invalid("PNG: \(samples.count) grey samples do not make a \(width)x\(height) image")
    }
    return try samples.withUnsafeBufferPointer { pixels in
      try encode(pixels, width: width, height: height, channels: 1, compression: compression, runLength: false)
    }
  }

  /// Filtered bytes per band: large enough that restarting the deflate window costs nothing
  /// measurable, small enough that a figure makes a band or more per core.
  public static let bandBytes = 1 << 20

  private static func encode(
    _ samples: UnsafeBufferPointer<UInt8>, width: Int, height: Int, channels: Int, compression: Int?, runLength: Bool
  ) throws -> Data {
    guard width > 0, height > 0 else { throw ImageError.invalid("PNG: cannot write a \(width)x\(height) PNG") }
    guard width * channels < Int(Int32.max), height <= Int(Int32.max) else {
      throw ImageError.invalid("PNG: \(width)x\(height) is too large to write")
    }
    let level = Int32(compression.map { min(max($0, 0), 9) } ?? 6)
    let rle: Int32 = runLength ? 1 : 0
    let rowsPerBand = max(1, bandBytes / (width * channels + 1))
    let count = (height + rowsPerBand - 1) / rowsPerBand
    var bands = [cis_png_band](repeating: cis_png_band(), count: count)
    var codes = [Int32](repeating: Int32(CIS_OK), count: count)
    defer { for band in bands { cis_free(band.bytes) } }
    bands.withUnsafeMutableBufferPointer { bands in
      codes.withUnsafeMutableBufferPointer { codes in
        DispatchQueue.concurrentPerform(iterations: count) { i in
          let y0 = i * rowsPerBand, y1 = min(height, y0 + rowsPerBand)
          codes[i] = cis_png_deflate_band(
            samples.baseAddress, Int32(width), Int32(channels), Int32(y0), Int32(y1), i == count - 1 ? 1 : 0, level, rle,
            bands.baseAddress! + i)
        }
      }
    }
    if let failed = codes.first(where: { $0 != Int32(CIS_OK) }) {
      throw ImageError.invalid(failed == Int32(CIS_NO_MEMORY) ? "PNG: out of memory" : "PNG: deflate failed")
    }
    return try CodecBridge.encode(format: "PNG") {
      cis_png_assemble(Int32(width), Int32(height), Int32(channels), level, rle, bands, Int32(count), $0)
    }
  }
}
