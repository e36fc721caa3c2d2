internal import CCairo
import Imaging

/// An owned `cairo_t` drawing on a `CairoSurface`, with the few operations figures need.
///
/// Text uses Cairo's toy font API (fontconfig + FreeType) with hinted metrics switched off,
/// so text extents scale linearly and layouts match on raster and vector surfaces.
final class CairoContext {
  let pointer: OpaquePointer
  private let surface: CairoSurface

  init(_ surface: CairoSurface) throws {
    self.surface = surface
    pointer = cairo_create(surface.pointer)!
    try checkCairo(cairo_status(pointer), "creating a drawing context")
    let options = cairo_font_options_create()
    cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
    cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
    cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY)
    cairo_set_font_options(pointer, options)
    cairo_font_options_destroy(options)
  }

  deinit { cairo_destroy(pointer) }

  /// Throws if Cairo recorded an error on this context.
  func check(_ what: String) throws { try checkCairo(cairo_status(pointer), what) }

  func save() { cairo_save(pointer) }
  func restore() { cairo_restore(pointer) }
  func scale(_ sx: Double, _ sy: Double) { cairo_scale(pointer, sx, sy) }
  func translate(_ dx: Double, _ dy: Double) { cairo_translate(pointer, dx, dy) }
  func rotate(_ radians: Double) { cairo_rotate(pointer, radians) }

  func setColor(_ c: RGBColor, alpha: Double = 1) {
    cairo_set_source_rgba(pointer, Double(c.r) / 255, Double(c.g) / 255, Double(c.b) / 255, alpha)
  }

  func setLineWidth(_ w: Double) { cairo_set_line_width(pointer, w) }
  func setDash(_ pattern: [Double]) { cairo_set_dash(pointer, pattern, Int32(pattern.count), 0) }
  func setRoundCaps() {
    cairo_set_line_cap(pointer, CAIRO_LINE_CAP_ROUND)
    cairo_set_line_join(pointer, CAIRO_LINE_JOIN_ROUND)
  }

  func rect(_ r: LayoutRect) { cairo_rectangle(pointer, r.x, r.y, r.width, r.height) }
  func moveTo(_ x: Double, _ y: Double) { cairo_move_to(pointer, x, y) }
  func lineTo(_ x: Double, _ y: Double) { cairo_line_to(pointer, x, y) }
  func circle(_ cx: Double, _ cy: Double, _ r: Double) {
    cairo_new_sub_path(pointer)
    cairo_arc(pointer, cx, cy, r, 0, 2 * Double.pi)
  }
  func clip(_ r: LayoutRect) {
    rect(r)
    cairo_clip(pointer)
  }
  func closePath() { cairo_close_path(pointer) }
  func fill() { cairo_fill(pointer) }
  func fillPreserve() { cairo_fill_preserve(pointer) }
  func stroke() { cairo_stroke(pointer) }
  func paint() { cairo_paint(pointer) }

  func fillRect(_ r: LayoutRect, _ c: RGBColor) {
    setColor(c)
    rect(r)
    fill()
  }

  // MARK: Text

  func selectFont(_ font: FontSpec) {
    cairo_select_font_face(
      pointer, font.family, CAIRO_FONT_SLANT_NORMAL,
      font.bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
    cairo_set_font_size(pointer, font.size)
  }

  func measure(_ text: String, font: FontSpec) -> TextMetrics {
    selectFont(font)
    var fe = cairo_font_extents_t()
    cairo_font_extents(pointer, &fe)
    var te = cairo_text_extents_t()
    cairo_text_extents(pointer, text, &te)
    return TextMetrics(width: max(te.x_advance, te.x_bearing + te.width), ascent: fe.ascent, descent: fe.descent)
  }

  /// Draws `text` with its baseline at `y`, starting at `x`.
  func showText(_ text: String, x: Double, y: Double, font: FontSpec, color: RGBColor) {
    selectFont(font)
    setColor(color)
    cairo_move_to(pointer, x, y)
    cairo_show_text(pointer, text)
    cairo_new_path(pointer)
  }

  // MARK: Images

  /// Paints `image` scaled into `r` with bilinear-quality filtering.
  func drawImage(_ image: RGBImage, in r: LayoutRect) throws {
    guard image.width > 0, image.height > 0 else { return }
    let source = try CairoSurface.from(image)
    save()
    translate(r.x, r.y)
    scale(r.width / Double(image.width), r.height / Double(image.height))
    cairo_set_source_surface(pointer, source.pointer, 0, 0)
    let pattern = cairo_get_source(pointer)
    cairo_pattern_set_filter(pattern, CAIRO_FILTER_GOOD)
    cairo_pattern_set_extend(pattern, CAIRO_EXTEND_PAD)
    cairo_rectangle(pointer, 0, 0, Double(image.width), Double(image.height))
    cairo_fill(pointer)
    restore()
    try check("drawing an image")
  }
}
