import AtomicFiles
import Foundation
import Imaging

extension LinePlot {
  /// Renders the plot and returns the encoded PNG, PDF or SVG bytes.
  public func render(format: FigureFormat) throws -> Data {
    try validate()
    return try FigureRenderer.render(
      format: format, width: width, height: height, pixelsPerPoint: pixelsPerPoint,
      title: title.isEmpty ? nil : title
    ) { try draw(on: $0) }
  }

  /// Renders the plot to `url` (PNG, PDF or SVG by extension), written atomically.
  public func write(to url: URL) throws {
    let format = try FigureFormat(fileExtensionOf: url)
    let bytes = try render(format: format)
    do throws(AtomicWriteError) { try AtomicWrite.write(bytes, to: url) } catch { throw RenderError(error) }
  }

  /// Renders the plot to an in-memory raster at `pixelsPerPoint`.
  public func renderImage() throws -> RGBImage {
    try validate()
    return try FigureRenderer.renderImage(width: width, height: height, pixelsPerPoint: pixelsPerPoint) {
      try draw(on: $0)
    }
  }

  private func validate() throws {
    guard width > 40, height > 40, width.isFinite, height.isFinite else {
      throw RenderError.invalidInput("line plot size \(width)x\(height) pt is too small")
    }
    if let xTicks, let xTickLabels, xTicks.count != xTickLabels.count {
      throw RenderError.invalidInput("\(xTicks.count) x ticks but \(xTickLabels.count) x tick labels")
    }
    if let yRange, !(yRange.upperBound > yRange.lowerBound) {
      throw RenderError.invalidInput("empty y range \(yRange)")
    }
  }

  func draw(on canvas: FigureCanvas) throws {
    let cr = canvas.cr
    let measurer = try TextMeasurer()
    let titleFont = FontSpec(size: fontSize + 1.5, bold: true)
    let labelFont = FontSpec(size: fontSize)
    let tickFont = FontSpec(size: fontSize - 1)
    let margin = 6.0

    // Data ranges.
    let xs = series.flatMap(\.x).filter(\.isFinite)
    let ys = (series.flatMap(\.y) + series.flatMap { ($0.band?.lower ?? []) + ($0.band?.upper ?? []) }).filter(\.isFinite)
    let xLo = xs.min() ?? 0, xHi = max(xs.max() ?? 1, xLo + 1)
    let xTickValues = xTicks ?? Array(stride(from: ceil(xLo), through: floor(xHi), by: 1))
    let xTickText = xTickLabels ?? xTickValues.map { NiceTicks.label($0, step: 1) }
    let yAxis: (lo: Double, hi: Double, ticks: [Double])
    if let yRange {
      let t = NiceTicks.ticks(lo: yRange.lowerBound, hi: yRange.upperBound)
      yAxis = (yRange.lowerBound, yRange.upperBound, t.ticks.filter { yRange.contains($0) })
    } else {
      let lo = ys.min() ?? 0
      yAxis = NiceTicks.ticks(lo: yIncludesZero ? min(lo, 0) : lo, hi: ys.max() ?? 1)
    }
    let yStep = yAxis.ticks.count > 1 ? yAxis.ticks[1] - yAxis.ticks[0] : 1
    let yTickText = yAxis.ticks.map { NiceTicks.label($0, step: yStep) }

    // Frame from text extents.
    let tickH = measurer.measure("0", tickFont)
    let labelH = measurer.measure("Hg", labelFont)
    var top = margin
    if !title.isEmpty { top += measurer.measure(title, titleFont).height + 6 }
    let yTickW = yTickText.map { measurer.measure($0, tickFont).width }.max() ?? 0
    let left = margin + (yLabel.isEmpty ? 0 : labelH.height + 4) + yTickW + 4
    // Only named series get a legend entry; a plot without any draws no legend at all.
    let legend = showsLegend ? series.indices.filter { !series[$0].name.isEmpty } : []
    let legendNames = legend.map { measurer.fitted(series[$0].name, labelFont, maxWidth: width * 0.3) }
    let legendW = legend.isEmpty ? 0 : 22 + (legendNames.map { measurer.measure($0, labelFont).width }.max() ?? 0)
    let right = width - margin - (legendW > 0 ? legendW + 8 : 0)
    let bottom = height - margin - (xLabel.isEmpty ? 0 : labelH.height + 3) - tickH.height - 5
    let plot = LayoutRect(x: left, y: top, width: max(right - left, 10), height: max(bottom - top, 10))
    func px(_ x: Double) -> Double { plot.x + (x - xLo) / (xHi - xLo) * plot.width }
    func py(_ y: Double) -> Double { plot.maxY - (y - yAxis.lo) / (yAxis.hi - yAxis.lo) * plot.height }

    // Title, grid lines, axes, ticks, labels.
    if !title.isEmpty {
      canvas.text(title, x: plot.x + plot.width / 2, y: margin + measurer.measure(title, titleFont).ascent,
                  font: titleFont, anchor: .middle)
    }
    cr.setLineWidth(0.4)
    cr.setColor(RGBColor(hex: 0xDDDDDD))
    for t in yAxis.ticks {
      cr.moveTo(plot.x, py(t))
      cr.lineTo(plot.maxX, py(t))
    }
    cr.stroke()
    cr.setColor(.black)
    cr.setLineWidth(0.6)
    cr.moveTo(plot.x, plot.y)
    cr.lineTo(plot.x, plot.maxY)
    cr.lineTo(plot.maxX, plot.maxY)
    for t in yAxis.ticks {
      cr.moveTo(plot.x - 3, py(t))
      cr.lineTo(plot.x, py(t))
    }
    for t in xTickValues where t >= xLo && t <= xHi {
      cr.moveTo(px(t), plot.maxY)
      cr.lineTo(px(t), plot.maxY + 3)
    }
    cr.stroke()
    for (t, s) in zip(yAxis.ticks, yTickText) {
      canvas.text(s, x: plot.x - 4, y: py(t) + tickH.ascent / 2 - tickH.descent / 2, font: tickFont, anchor: .end)
    }
    for (t, s) in zip(xTickValues, xTickText) where t >= xLo && t <= xHi {
      canvas.text(s, x: px(t), y: plot.maxY + 5 + tickH.ascent, font: tickFont, anchor: .middle)
    }
    if !xLabel.isEmpty {
      canvas.text(xLabel, x: plot.x + plot.width / 2, y: height - margin - labelH.descent, font: labelFont,
                  anchor: .middle)
    }
    if !yLabel.isEmpty {
      canvas.verticalText(yLabel, x: margin + labelH.ascent, centreY: plot.y + plot.height / 2, font: labelFont)
    }

    // Series, clipped to the plot area.
    let dashes: [[Double]] = [[], [4, 2], [1.2, 1.6], [5, 2, 1.2, 2]]
    cr.save()
    cr.clip(plot.insetBy(-4))
    drawBands(on: cr, px: px, py: py)
    for (k, s) in series.enumerated() {
      let color = s.color ?? LinePlot.palette[k % LinePlot.palette.count]
      cr.setColor(color)
      cr.setLineWidth(1.2)
      cr.setRoundCaps()
      cr.setDash(dashes[k % dashes.count])
      var penDown = false
      for (x, y) in zip(s.x, s.y) {
        guard x.isFinite, y.isFinite else {
          penDown = false
          continue
        }
        if penDown { cr.lineTo(px(x), py(y)) } else { cr.moveTo(px(x), py(y)) }
        penDown = true
      }
      cr.stroke()
      cr.setDash([])
      for (x, y) in zip(s.x, s.y) where x.isFinite && y.isFinite {
        PlotMarker.draw(k, at: px(x), py(y), size: 4.2, color: color, on: cr)
      }
    }
    cr.restore()

    // Legend to the right of the plot.
    var ly = plot.y + 2
    for (entry, k) in legend.enumerated() {
      let s = series[k]
      let color = s.color ?? LinePlot.palette[k % LinePlot.palette.count]
      let x0 = plot.maxX + 8
      let cy = ly + labelH.height / 2
      cr.setColor(color)
      cr.setLineWidth(1.2)
      cr.setDash(dashes[k % dashes.count])
      cr.moveTo(x0, cy)
      cr.lineTo(x0 + 16, cy)
      cr.stroke()
      cr.setDash([])
      PlotMarker.draw(k, at: x0 + 8, cy, size: 4.2, color: color, on: cr)
      canvas.text(legendNames[entry], x: x0 + 20, y: ly + labelH.ascent, font: labelFont)
      ly += labelH.height + 3
    }
  }
}

/// Marker shapes for line plots, cycling circle, square, triangle, diamond, inverted triangle.
enum PlotMarker {
  static func draw(_ k: Int, at x: Double, _ y: Double, size: Double, color: RGBColor, on cr: CairoContext) {
    let r = size / 2
    switch k % 5 {
    case 0: cr.circle(x, y, r)
    case 1: cr.rect(LayoutRect(x: x - r * 0.9, y: y - r * 0.9, width: 1.8 * r, height: 1.8 * r))
    case 2:
      cr.moveTo(x, y - r * 1.15)
      cr.lineTo(x + r * 1.05, y + r * 0.75)
      cr.lineTo(x - r * 1.05, y + r * 0.75)
      cr.closePath()
    case 3:
      cr.moveTo(x, y - r * 1.2)
      cr.lineTo(x + r * 1.2, y)
      cr.lineTo(x, y + r * 1.2)
      cr.lineTo(x - r * 1.2, y)
      cr.closePath()
    default:
      cr.moveTo(x, y + r * 1.15)
      cr.lineTo(x + r * 1.05, y - r * 0.75)
      cr.lineTo(x - r * 1.05, y - r * 0.75)
      cr.closePath()
    }
    cr.setColor(color)
    cr.fillPreserve()
    cr.setColor(.white)
    cr.setLineWidth(0.5)
    cr.stroke()
  }
}
