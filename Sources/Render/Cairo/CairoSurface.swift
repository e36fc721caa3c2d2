internal import CCairo
import Foundation
import Imaging

/// An owned `cairo_surface_t`: an in-memory raster, or a PDF/SVG stream collected in memory.
///
/// The surface is destroyed in `deinit`; creation checks Cairo's status and throws.
final class CairoSurface {
  let pointer: OpaquePointer
  /// Receives the bytes of a vector surface; nil for raster surfaces.
  private let sink: ByteSink?

  private init(pointer: OpaquePointer, sink: ByteSink?, what: String) throws {
    self.pointer = pointer
    self.sink = sink
    try checkCairo(cairo_surface_status(pointer), what)
  }

  deinit { cairo_surface_destroy(pointer) }

  /// An opaque RGB raster of `width` x `height` pixels (Cairo `RGB24`).
  static func raster(width: Int, height: Int) throws -> CairoSurface {
    guard width > 0, height > 0, width <= 32767, height <= 32767 else {
      throw RenderError.invalidInput("raster size \(width)x\(height) is out of range")
    }
    let p = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(width), Int32(height))!
    return try CairoSurface(pointer: p, sink: nil, what: "creating a \(width)x\(height) raster")
  }

  /// A surface holding `image` as Cairo `RGB24` pixels, for painting it as a source.
  static func from(_ image: RGBImage) throws -> CairoSurface {
    let surface = try raster(width: image.width, height: image.height)
    cairo_surface_flush(surface.pointer)
    let stride = Int(cairo_image_surface_get_stride(surface.pointer))
    guard let base = cairo_image_surface_get_data(surface.pointer) else {
      throw RenderError.cairo("raster surface has no pixel data")
    }
    image.pixels.withUnsafeBufferPointer { px in
      for y in 0..<image.height {
        let row = UnsafeMutableRawPointer(base + y * stride).assumingMemoryBound(to: UInt32.self)
        for x in 0..<image.width {
          let i = (y * image.width + x) * 3
          row[x] = 0xFF00_0000 | UInt32(px[i]) << 16 | UInt32(px[i + 1]) << 8 | UInt32(px[i + 2])
        }
      }
    }
    cairo_surface_mark_dirty(surface.pointer)
    return surface
  }

  /// A PDF surface of `width` x `height` points whose bytes are kept in memory.
  static func pdf(width: Double, height: Double, title: String?) throws -> CairoSurface {
    let sink = ByteSink()
    let p = cairo_pdf_surface_create_for_stream(ByteSink.write, sink.opaque, width, height)!
    let surface = try CairoSurface(pointer: p, sink: sink, what: "creating a PDF surface")
    if let title {
      cairo_pdf_surface_set_metadata(p, CAIRO_PDF_METADATA_TITLE, title)
    }
    cairo_pdf_surface_set_metadata(p, CAIRO_PDF_METADATA_CREATOR, "gradcam Render")
    return surface
  }

  /// An SVG surface of `width` x `height` points whose bytes are kept in memory.
  static func svg(width: Double, height: Double) throws -> CairoSurface {
    let sink = ByteSink()
    let p = cairo_svg_surface_create_for_stream(ByteSink.write, sink.opaque, width, height)!
    let surface = try CairoSurface(pointer: p, sink: sink, what: "creating an SVG surface")
    cairo_svg_surface_restrict_to_version(p, CAIRO_SVG_VERSION_1_1)
    return surface
  }

  /// Finishes the surface (flushing a vector stream) and returns the bytes written so far.
  func finish() throws -> Data {
    cairo_surface_finish(pointer)
    try checkCairo(cairo_surface_status(pointer), "finishing the surface")
    return sink?.data ?? Data()
  }

  /// The raster encoded as PNG.
  func pngData() throws -> Data {
    cairo_surface_flush(pointer)
    let out = ByteSink()
    try checkCairo(
      cairo_surface_write_to_png_stream(pointer, ByteSink.write, out.opaque), "encoding PNG")
    return out.data
  }

  /// The raster's pixels as an `RGBImage` (premultiplied alpha, if any, is undone over black).
  func rgbImage() throws -> RGBImage {
    cairo_surface_flush(pointer)
    let w = Int(cairo_image_surface_get_width(pointer))
    let h = Int(cairo_image_surface_get_height(pointer))
    let stride = Int(cairo_image_surface_get_stride(pointer))
    let format = cairo_image_surface_get_format(pointer)
    guard format == CAIRO_FORMAT_RGB24 || format == CAIRO_FORMAT_ARGB32,
      let base = cairo_image_surface_get_data(pointer)
    else { throw RenderError.cairo("unsupported raster format \(format.rawValue)") }
    var pixels = [UInt8](repeating: 0, count: w * h * 3)
    let hasAlpha = format == CAIRO_FORMAT_ARGB32
    for y in 0..<h {
      let row = UnsafeRawPointer(base + y * stride).assumingMemoryBound(to: UInt32.self)
      for x in 0..<w {
        let v = row[x]
        var r = (v >> 16) & 0xFF, g = (v >> 8) & 0xFF, b = v & 0xFF
        if hasAlpha {
          let a = v >> 24
          if a == 0 {
            r = 0; g = 0; b = 0
          } else if a < 255 {
            r = (r * 255 + a / 2) / a; g = (g * 255 + a / 2) / a; b = (b * 255 + a / 2) / a
          }
        }
        let i = (y * w + x) * 3
        pixels[i] = UInt8(min(r, 255))
        pixels[i + 1] = UInt8(min(g, 255))
        pixels[i + 2] = UInt8(min(b, 255))
      }
    }
    return RGBImage(width: w, height: h, pixels: pixels)
  }

  /// Reads a PNG file with Cairo's own decoder.
  static func readPNG(path: String) throws -> CairoSurface {
    let p = cairo_image_surface_create_from_png(path)!
    return try CairoSurface(pointer: p, sink: nil, what: "reading PNG \(path)")
  }
}
