import AtomicFiles
import Foundation
import Imaging

extension HeatmapGrid {
  /// Computes where every title, header, cell, caption, marker and colour bar goes.
  /// - Throws: `RenderError.invalidInput` for an empty grid or invalid options.
  public func layout(options: HeatmapGridOptions = HeatmapGridOptions()) throws -> HeatmapGridLayout {
    let ranges = try GridRanges(grid: self, options: options)
    return GridLayoutEngine(grid: self, options: options, ranges: ranges, measurer: try TextMeasurer()).run()
  }

  /// Renders the figure and returns the encoded PNG, PDF or SVG bytes.
  public func render(format: FigureFormat, options: HeatmapGridOptions = HeatmapGridOptions()) throws
    -> Data
  {
    let (layout, ranges) = try prepare(options)
    return try FigureRenderer.render(
      format: format, width: layout.width, height: layout.height,
      pixelsPerPoint: options.pixelsPerPoint, title: title
    ) { canvas in try draw(layout, ranges, options, canvas) }
  }

  /// Renders the figure to `url`, choosing PNG, PDF or SVG from the extension, and writes it
  /// atomically (temporary file in the same directory, then rename).
  public func write(to url: URL, options: HeatmapGridOptions = HeatmapGridOptions()) throws {
    let format = try FigureFormat(fileExtensionOf: url)
    let bytes = try render(format: format, options: options)
    do throws(AtomicWriteError) { try AtomicWrite.write(bytes, to: url) } catch { throw RenderError(error) }
  }

  /// Renders the figure to an in-memory raster at `options.pixelsPerPoint`.
  public func renderImage(options: HeatmapGridOptions = HeatmapGridOptions()) throws -> RGBImage {
    let (layout, ranges) = try prepare(options)
    return try FigureRenderer.renderImage(
      width: layout.width, height: layout.height, pixelsPerPoint: options.pixelsPerPoint
    ) { canvas in try draw(layout, ranges, options, canvas) }
  }

  private func prepare(_ options: HeatmapGridOptions) throws -> (HeatmapGridLayout, GridRanges) {
    let ranges = try GridRanges(grid: self, options: options)
    let layout = GridLayoutEngine(grid: self, options: options, ranges: ranges, measurer: try TextMeasurer()).run()
    return (layout, ranges)
  }

  private func draw(
    _ layout: HeatmapGridLayout, _ ranges: GridRanges, _ options: HeatmapGridOptions,
    _ canvas: FigureCanvas
  ) throws {
    let cr = canvas.cr
    // The overlays are computed on every core first (a 19 x 6 grid blends 96 images); Cairo draws
    // them one by one.
    var overlays = [Result<RGBImage, Error>?](repeating: nil, count: layout.cells.count)
    overlays.withUnsafeMutableBufferPointer { overlays in
      DispatchQueue.concurrentPerform(iterations: layout.cells.count) { i in
        let box = layout.cells[i]
        overlays[i] = Result { try ranges.cellImage(row: blocks[box.block].rows[box.row], column: box.column, options: options) }
      }
    }
    for (box, overlay) in zip(layout.cells, overlays) {
      let row = blocks[box.block].rows[box.row]
      let image = try overlay!.get()
      try cr.drawImage(image, in: box.imageRect)
      cr.setColor(RGBColor(hex: 0xBBBBBB))
      cr.setLineWidth(0.4)
      cr.rect(box.imageRect)
      cr.stroke()
      if let m = box.markerRect { MarkerGlyph.draw(row.cells[box.column].marker, in: m, on: cr) }
    }
    for item in layout.legendMarkers { MarkerGlyph.draw(item.marker, in: item.rect, on: cr) }
    for bar in layout.colorBars { try ColorBarPainter.draw(bar, on: cr) }
    for t in layout.texts {
      let color: RGBColor
      switch t.role {
      case .metric, .colorBarTick: color = RGBColor(hex: 0x444444)
      case .subtitle: color = RGBColor(hex: 0x333333)
      default: color = .black
      }
      canvas.text(t.text, x: t.rect.x, y: t.baseline, font: t.font, color: color)
    }
  }
}

/// Draws a horizontal colour bar with a thin frame and three tick marks.
enum ColorBarPainter {
  static func draw(_ bar: HeatmapGridLayout.ColorBar, on cr: CairoContext) throws {
    let t = bar.colorMap.table
    let ramp = RGBImage(width: 256, height: 1, pixels: t)
    try cr.drawImage(ramp, in: bar.rect)
    cr.setColor(RGBColor(hex: 0x444444))
    cr.setLineWidth(0.5)
    cr.rect(bar.rect)
    cr.stroke()
    for f in [0.0, 0.5, 1.0] {
      let x = bar.rect.x + f * bar.rect.width
      cr.moveTo(x, bar.rect.maxY)
      cr.lineTo(x, bar.rect.maxY + 2)
    }
    cr.stroke()
  }
}
