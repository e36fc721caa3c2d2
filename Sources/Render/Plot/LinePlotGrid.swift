import AtomicFiles
import Foundation
import Imaging

/// Small multiples: line plots laid out in one figure (PNG, PDF or SVG), an optional wider
/// header plot (e.g. the average, with the legend) centred above a grid of panels.
public struct LinePlotGrid: Sendable {
  public var header: LinePlot?
  public var panels: [LinePlot]
  /// Panels per row.
  public var columns: Int
  /// Raster resolution of PNG output.
  public var pixelsPerPoint: Double = 3

  public init(header: LinePlot? = nil, panels: [LinePlot], columns: Int = 4) {
    self.header = header
    self.panels = panels
    self.columns = max(1, columns)
  }

  private var cell: (width: Double, height: Double) {
    (panels.map(\.width).max() ?? 0, panels.map(\.height).max() ?? 0)
  }

  private var size: (width: Double, height: Double) {
    let rows = (panels.count + columns - 1) / columns
    let cols = min(columns, panels.count)
    return (max(cell.width * Double(cols), header?.width ?? 0), (header?.height ?? 0) + cell.height * Double(rows))
  }

  /// Renders the figure and returns the encoded PNG, PDF or SVG bytes.
  public func render(format: FigureFormat) throws -> Data {
    guard header != nil || !panels.isEmpty else { throw RenderError.invalidInput("a plot grid needs at least one plot") }
    let (w, h) = size
    return try FigureRenderer.render(format: format, width: w, height: h, pixelsPerPoint: pixelsPerPoint, title: header?.title) {
      try draw(on: $0, width: w)
    }
  }

  /// Renders the figure to `url` (PNG, PDF or SVG by extension), written atomically.
  public func write(to url: URL) throws {
    let bytes = try render(format: try FigureFormat(fileExtensionOf: url))
    do throws(AtomicWriteError) { try AtomicWrite.write(bytes, to: url) } catch { throw RenderError(error) }
  }

  private func draw(on canvas: FigureCanvas, width: Double) throws {
    var placed: [(LinePlot, Double, Double)] = []
    if let header { placed.append((header, (width - header.width) / 2, 0)) }
    let top = header?.height ?? 0
    for (k, p) in panels.enumerated() {
      placed.append((p, Double(k % columns) * cell.width, top + Double(k / columns) * cell.height))
    }
    for (plot, x, y) in placed {
      canvas.cr.save()
      canvas.cr.translate(x, y)
      canvas.origin = (x, y)
      try plot.draw(on: canvas)
      canvas.cr.restore()
    }
    canvas.origin = (0, 0)
  }
}
