internal import CCairo
import Imaging

extension RGBImage {
  /// A copy of the image drawn over with Cairo: `draw` gets a `cairo_t` on an `RGB24` surface
  /// that holds the pixels, and the result is read back. Render's surface <-> image bridge, for
  /// other modules that draw with Cairo (DemoData's shapes).
  /// - Throws: `RenderError` if Cairo cannot create the surface or reports an error after `draw`.
  public func drawnWithCairo(_ draw: (OpaquePointer) throws -> Void) throws -> RGBImage {
    let surface = try CairoSurface.from(self)
    let cr = cairo_create(surface.pointer)!
    do {
      defer { cairo_destroy(cr) }
      try checkCairo(cairo_status(cr), "creating a drawing context")
      try draw(cr)
      try checkCairo(cairo_status(cr), "drawing")
    }
    return try surface.rgbImage()
  }
}
