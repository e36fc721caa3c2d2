import Foundation

/// Computes a `HeatmapGridLayout` from measured text extents.
struct GridLayoutEngine {
  let grid: HeatmapGrid
  let options: HeatmapGridOptions
  let ranges: GridRanges
  let measurer: TextMeasurer

  // Spacing in points, scaled by the options' gap scale.
  var margin: Double { 8 * options.gapScale }
  var columnGap: Double { 3 * options.gapScale }
  var rowGap: Double { 6 * options.gapScale }
  var blockGap: Double { 8 * options.gapScale }
  var headerGap: Double { 6 * options.gapScale }

  private var fonts: HeatmapGridOptions.FontSizes { options.fonts }
  var titleFont: FontSpec { FontSpec(size: fonts.title, bold: true) }
  var subtitleFont: FontSpec { FontSpec(size: fonts.subtitle) }
  var blockFont: FontSpec { FontSpec(size: fonts.blockTitle, bold: true) }
  var columnFont: FontSpec { FontSpec(size: fonts.columnHeader, bold: true) }
  var rowFont: FontSpec { FontSpec(size: fonts.rowHeader) }
  var captionFont: FontSpec { FontSpec(size: fonts.caption) }
  var metricFont: FontSpec { FontSpec(size: fonts.metric) }

  func run() -> HeatmapGridLayout {
    var texts: [HeatmapGridLayout.TextBox] = []
    var cells: [HeatmapGridLayout.CellBox] = []
    var bars: [HeatmapGridLayout.ColorBar] = []
    var legend: [HeatmapGridLayout.LegendMarker] = []
    let cell = options.cellSize

    @discardableResult
    func place(
      _ text: String, _ baseFont: FontSpec, _ role: HeatmapGridLayout.TextRole, x: Double, top: Double,
      anchor: TextAnchor = .start, maxWidth: Double? = nil, lineFont: FontSpec? = nil
    ) -> LayoutRect {
      var font = baseFont
      var shown = text
      if let maxWidth {
        (shown, font) = fit(text, baseFont, maxWidth: maxWidth, shrink: role == .caption || role == .metric)
      }
      let m = measurer.measure(shown, font)
      let x0: Double
      switch anchor {
      case .start: x0 = x
      case .middle: x0 = x - m.width / 2
      case .end: x0 = x - m.width
      }
      // A shrunken text keeps the baseline of its line.
      let lineAscent = measurer.measure("Hg", lineFont ?? baseFont).ascent
      let y0 = top + max(0, lineAscent - m.ascent)
      let rect = LayoutRect(x: x0, y: y0, width: m.width, height: m.height)
      if !shown.isEmpty {
        texts.append(.init(text: shown, role: role, font: font, rect: rect, baseline: y0 + m.ascent))
      }
      return rect
    }
    func lineHeight(_ f: FontSpec) -> Double { measurer.measure("Hg", f).height }

    // Horizontal frame.
    let maxRowHeader = 2 * cell
    let rowHeaderWidth = grid.blocks.flatMap(\.rows).map {
      min(measurer.measure($0.header, rowFont).width, maxRowHeader)
    }.max() ?? 0
    let gridLeft = margin + rowHeaderWidth + (rowHeaderWidth > 0 ? 6 : 0)
    let columns = max(
      1,
      grid.blocks.map { b in max(b.columnHeaders.count, b.rows.map(\.cells.count).max() ?? 0) }
        .max() ?? 1)
    let gridWidth = Double(columns) * cell + Double(columns - 1) * columnGap
    func columnX(_ j: Int) -> Double { gridLeft + Double(j) * (cell + columnGap) }
    var pageWidth = gridLeft + gridWidth + margin
    let centreX = gridLeft + gridWidth / 2

    // Title and subtitle, centred over the grid unless they would leave the page.
    var y = margin
    for (text, font, role) in [
      (grid.title, titleFont, HeatmapGridLayout.TextRole.title),
      (grid.subtitle ?? "", subtitleFont, .subtitle),
    ] where !text.isEmpty {
      let w = measurer.measure(text, font).width
      let x = max(margin, centreX - w / 2)
      let r = place(text, font, role, x: x, top: y)
      pageWidth = max(pageWidth, r.maxX + margin)
      y = r.maxY + 2
    }
    y += headerGap

    let markerSize = captionFont.size * 1.05
    let captionLH = max(lineHeight(captionFont), markerSize)
    let metricLH = lineHeight(metricFont)

    for (bi, block) in grid.blocks.enumerated() {
      if let title = block.title, !title.isEmpty {
        let r = place(title, blockFont, .blockTitle, x: margin, top: y, maxWidth: pageWidth - 2 * margin)
        y = r.maxY + 3
      }
      if !block.columnHeaders.isEmpty {
        var bottom = y
        for (j, header) in block.columnHeaders.enumerated() {
          let r = place(
            header, columnFont, .columnHeader, x: columnX(j) + cell / 2, top: y, anchor: .middle,
            maxWidth: cell)
          bottom = max(bottom, r.maxY)
        }
        y = bottom + 3
      }
      let first = block.rows.first?.cells.first?.image
      let aspect = first.map { $0.width > 0 ? Double($0.height) / Double($0.width) : 1 } ?? 1
      let imageHeight = cell * aspect
      let captionLines = block.rows.flatMap(\.cells).map {
        max($0.caption.count, $0.marker == .none ? 0 : 1)
      }.max() ?? 0
      let hasMetric = block.rows.flatMap(\.cells).contains { !($0.metric ?? "").isEmpty }

      for (ri, row) in block.rows.enumerated() {
        let top = y
        let rh = measurer.measure(row.header, rowFont).height
        place(
          row.header, rowFont, .rowHeader, x: gridLeft - 6, top: top + imageHeight / 2 - rh / 2,
          anchor: .end, maxWidth: maxRowHeader)
        for (cj, c) in row.cells.enumerated() {
          let x = columnX(cj)
          var imageRect = LayoutRect(x: x, y: top, width: cell, height: imageHeight)
          if c.image.width > 0, c.image.height > 0 {
            let s = min(cell / Double(c.image.width), imageHeight / Double(c.image.height))
            let w = Double(c.image.width) * s, h = Double(c.image.height) * s
            imageRect = LayoutRect(x: x + (cell - w) / 2, y: top + (imageHeight - h) / 2, width: w, height: h)
          }
          var markerRect: LayoutRect?
          var lineTop = top + imageHeight + 2
          let lines = c.caption.isEmpty && c.marker != .none ? [""] : c.caption
          for (k, line) in lines.enumerated() {
            if k == 0 && c.marker != .none {
              let (shown, font) = fit(line, captionFont, maxWidth: cell - markerSize - 2, shrink: true)
              let w = shown.isEmpty ? 0 : measurer.measure(shown, font).width
              let total = markerSize + (shown.isEmpty ? 0 : 2 + w)
              let x0 = x + (cell - total) / 2
              markerRect = LayoutRect(
                x: x0, y: lineTop + (captionLH - markerSize) / 2, width: markerSize, height: markerSize)
              place(shown, font, .caption, x: x0 + markerSize + 2, top: lineTop, lineFont: captionFont)
            } else {
              place(line, captionFont, .caption, x: x + cell / 2, top: lineTop, anchor: .middle, maxWidth: cell)
            }
            lineTop += captionLH
          }
          if let metric = c.metric, !metric.isEmpty {
            place(
              metric, metricFont, .metric, x: x + cell / 2,
              top: top + imageHeight + 2 + Double(captionLines) * captionLH, anchor: .middle,
              maxWidth: cell)
          }
          cells.append(.init(block: bi, row: ri, column: cj, imageRect: imageRect, markerRect: markerRect))
        }
        y = top + imageHeight + 2 + Double(captionLines) * captionLH + (hasMetric ? metricLH : 0) + rowGap
      }
      y += blockGap - rowGap
    }

    // Legend for the markers.
    let markers = Set(grid.blocks.flatMap(\.rows).flatMap(\.cells).map(\.marker).filter { $0 != .none })
    if options.showMarkerLegend && !markers.isEmpty {
      y += 2
      var x = gridLeft
      for (marker, label) in [(HeatmapGrid.Marker.correct, "correct"), (.incorrect, "incorrect")] {
        let r = LayoutRect(x: x, y: y + (captionLH - markerSize) / 2, width: markerSize, height: markerSize)
        legend.append(.init(rect: r, marker: marker))
        let t = place(label, captionFont, .legend, x: r.maxX + 2, top: y)
        x = t.maxX + 10
      }
      pageWidth = max(pageWidth, x - 10 + margin)
      y += captionLH + 6
    }

    // Colour bars.
    var wanted: [(ColorMap, Float, Float, String)] = []
    if let (lo, hi) = ranges.shared { wanted.append((options.colorMap, lo, hi, options.colorBarLabel)) }
    if let r = ranges.diff {
      let header = diffReferenceHeader()
      wanted.append((options.diffColorMap, -r, r, "difference vs \(header)"))
    }
    for (map, lo, hi, label) in wanted {
      let barWidth = max(min(gridWidth, 180), 100)
      let barX = max(gridLeft, centreX - barWidth / 2)
      let l = place(label, captionFont, .colorBarLabel, x: barX + barWidth / 2, top: y, anchor: .middle)
      y = l.maxY + 2
      let bar = LayoutRect(x: barX, y: y, width: barWidth, height: 7)
      bars.append(.init(rect: bar, colorMap: map, lower: lo, upper: hi))
      y = bar.maxY + 3
      place(formatTick(lo), metricFont, .colorBarTick, x: bar.x, top: y)
      place(formatTick((lo + hi) / 2), metricFont, .colorBarTick, x: bar.x + barWidth / 2, top: y, anchor: .middle)
      let r = place(formatTick(hi), metricFont, .colorBarTick, x: bar.maxX, top: y, anchor: .end)
      pageWidth = max(pageWidth, bar.maxX + margin, l.maxX + margin)
      y = r.maxY + 6
    }

    let height = (y - rowGap + margin).rounded(.up)
    return HeatmapGridLayout(
      width: pageWidth.rounded(.up), height: max(height, 2 * margin), texts: texts, cells: cells,
      colorBars: bars, legendMarkers: legend)
  }

  /// Fits `text` into `maxWidth`: first by shrinking the font (to 85 %, for captions), then
  /// by shortening the text with an ellipsis.
  func fit(_ text: String, _ font: FontSpec, maxWidth: Double, shrink: Bool) -> (String, FontSpec) {
    if measurer.measure(text, font).width <= maxWidth { return (text, font) }
    var f = font
    if shrink {
      for factor in [0.95, 0.9, 0.85] {
        f.size = font.size * factor
        if measurer.measure(text, f).width <= maxWidth { return (text, f) }
      }
    }
    return (measurer.fitted(text, f, maxWidth: maxWidth), f)
  }

  private func diffReferenceHeader() -> String {
    guard case .againstColumn(let column, _) = options.difference else { return "reference" }
    for block in grid.blocks where column < block.columnHeaders.count {
      return block.columnHeaders[column]
    }
    return "column \(column)"
  }
}

/// A compact tick label: 2 decimals (1 from 10 up), no trailing zeros, a real minus sign.
func formatTick(_ v: Float) -> String {
  if v == 0 { return "0" }
  var s = String(format: abs(v) >= 10 ? "%.1f" : "%.2f", Double(v))
  while s.contains(".") && (s.hasSuffix("0") || s.hasSuffix(".")) { s.removeLast() }
  if s == "-0" { return "0" }
  return s.replacingOccurrences(of: "-", with: "\u{2212}")
}
