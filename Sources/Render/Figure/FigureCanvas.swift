import Foundation
import Imaging

/// A text label as drawn, kept so the SVG writer can add it as real `<text>`.
struct RecordedText {
  var text: String
  var x: Double
  var y: Double
  var font: FontSpec
  /// Rotation about (x, y) in degrees, counter-clockwise as seen (e.g. 90 for a y-axis label).
  var rotation: Double = 0
}

/// The drawing surface handed to figure painters: a Cairo context in point units plus a log
/// of the text drawn on it.
final class FigureCanvas {
  let cr: CairoContext
  private(set) var texts: [RecordedText] = []
  /// Where the current drawing's origin sits in the figure (panels drawn under a translation),
  /// added to recorded text positions.
  var origin = (x: 0.0, y: 0.0)

  init(_ cr: CairoContext) { self.cr = cr }

  /// Draws `text` with its baseline at `y`; `x` is the start, centre or end per `anchor`.
  func text(
    _ text: String, x: Double, y: Double, font: FontSpec, color: RGBColor = .black,
    anchor: TextAnchor = .start
  ) {
    guard !text.isEmpty else { return }
    var x0 = x
    if anchor != .start {
      let w = cr.measure(text, font: font).width
      x0 = anchor == .middle ? x - w / 2 : x - w
    }
    cr.showText(text, x: x0, y: y, font: font, color: color)
    texts.append(RecordedText(text: text, x: x0 + origin.x, y: y + origin.y, font: font))
  }

  /// Draws `text` rotated 90° counter-clockwise, centred on `centreY`, baseline at `x`.
  func verticalText(_ text: String, x: Double, centreY: Double, font: FontSpec, color: RGBColor = .black) {
    guard !text.isEmpty else { return }
    let w = cr.measure(text, font: font).width
    cr.save()
    cr.translate(x, centreY + w / 2)
    cr.rotate(-Double.pi / 2)
    cr.showText(text, x: 0, y: 0, font: font, color: color)
    cr.restore()
    texts.append(RecordedText(text: text, x: x + origin.x, y: centreY + w / 2 + origin.y, font: font, rotation: 90))
  }
}

/// Measures text the same way figures draw it (a 1x1 raster with unhinted metrics).
final class TextMeasurer {
  private let cr: CairoContext

  init() throws { cr = try CairoContext(CairoSurface.raster(width: 1, height: 1)) }

  func measure(_ text: String, _ font: FontSpec) -> TextMetrics { cr.measure(text, font: font) }

  /// `text` shortened with an ellipsis so it fits `maxWidth`. The last space-separated word
  /// (e.g. a confidence "0.87") is kept when possible.
  func fitted(_ text: String, _ font: FontSpec, maxWidth: Double) -> String {
    if measure(text, font).width <= maxWidth { return text }
    let ellipsis = "\u{2026}"
    var head = text
    var tail = ""
    if let space = text.lastIndex(of: " "), text.distance(from: space, to: text.endIndex) <= 8 {
      head = String(text[..<space])
      tail = String(text[space...])
    }
    if measure(ellipsis + tail, font).width > maxWidth {
      head = text
      tail = ""
    }
    var chars = Array(head)
    while !chars.isEmpty {
      chars.removeLast()
      let candidate = String(chars).trimmingCharacters(in: .whitespaces) + ellipsis + tail
      if measure(candidate, font).width <= maxWidth { return candidate }
    }
    return measure(ellipsis, font).width <= maxWidth ? ellipsis : ""
  }
}

/// Runs a figure painter on a raster, PDF or SVG surface.
enum FigureRenderer {
  /// Paints a `width` x `height` point figure and returns the encoded file bytes.
  static func render(
    format: FigureFormat, width: Double, height: Double, pixelsPerPoint: Double, title: String?,
    draw: (FigureCanvas) throws -> Void
  ) throws -> Data {
    switch format {
    case .png:
      let scale = try rasterScale(width: width, height: height, pixelsPerPoint: pixelsPerPoint)
      let surface = try rasterSurface(width: width, height: height, scale: scale)
      try paint(surface, scale: scale, width: width, height: height, draw: draw)
      // Figures are large (the main job's 19 x 6 grid is 8.3 megapixels at 216 dpi): zlib's
      // run-length strategy is faster than any level and, on the noisy cells, smaller than level 3.
      let png = try PNGCodec.encode(surface.rgbImage(), runLength: true)
      return PNGResolution.setting(dotsPerInch: scale * 72, in: png)
    case .pdf:
      let surface = try CairoSurface.pdf(width: width, height: height, title: title)
      try paint(surface, scale: 1, width: width, height: height, draw: draw)
      return try surface.finish()
    case .svg:
      let surface = try CairoSurface.svg(width: width, height: height)
      let canvas = try paint(surface, scale: 1, width: width, height: height, draw: draw)
      let data = try surface.finish()
      return SVGTextLayer.annotate(data, title: title, texts: canvas.texts)
    }
  }

  /// Paints the figure on an in-memory raster and returns its pixels.
  static func renderImage(
    width: Double, height: Double, pixelsPerPoint: Double, draw: (FigureCanvas) throws -> Void
  ) throws -> RGBImage {
    let scale = try rasterScale(width: width, height: height, pixelsPerPoint: pixelsPerPoint)
    let surface = try rasterSurface(width: width, height: height, scale: scale)
    try paint(surface, scale: scale, width: width, height: height, draw: draw)
    return try surface.rgbImage()
  }

  /// Cairo's largest raster side in pixels.
  static let maxRasterSide = 32767.0

  /// The pixels-per-point scale actually used: the requested one, lowered if needed so that
  /// neither side exceeds Cairo's 32767-pixel limit (very tall multi-image grids).
  static func rasterScale(width: Double, height: Double, pixelsPerPoint: Double) throws -> Double {
    guard pixelsPerPoint > 0, pixelsPerPoint.isFinite else {
      throw RenderError.invalidInput("pixels per point must be positive, got \(pixelsPerPoint)")
    }
    let limit = min(maxRasterSide / width.rounded(.up), maxRasterSide / height.rounded(.up))
    return min(pixelsPerPoint, limit * 0.999)
  }

  private static func rasterSurface(width: Double, height: Double, scale: Double) throws -> CairoSurface {
    try CairoSurface.raster(
      width: Int((width * scale).rounded(.up)), height: Int((height * scale).rounded(.up)))
  }

  @discardableResult
  private static func paint(
    _ surface: CairoSurface, scale: Double, width: Double, height: Double,
    draw: (FigureCanvas) throws -> Void
  ) throws -> FigureCanvas {
    let cr = try CairoContext(surface)
    cr.scale(scale, scale)
    cr.fillRect(LayoutRect(x: 0, y: 0, width: width, height: height), .white)
    let canvas = FigureCanvas(cr)
    try draw(canvas)
    try cr.check("drawing the figure")
    return canvas
  }
}
