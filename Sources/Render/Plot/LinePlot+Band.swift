extension LinePlot {
  /// Fills each series' band (where it has one) between its lower and upper curves, in the series'
  /// colour at low opacity, under the lines; a non-finite bound splits the band.
  func drawBands(on cr: CairoContext, px: (Double) -> Double, py: (Double) -> Double) {
    for (k, s) in series.enumerated() {
      guard let band = s.band, band.lower.count == s.x.count, band.upper.count == s.x.count else { continue }
      cr.setColor(s.color ?? LinePlot.palette[k % LinePlot.palette.count], alpha: 0.2)
      var run: [Int] = []
      func flush() {
        if run.count > 1 {
          cr.moveTo(px(s.x[run[0]]), py(band.upper[run[0]]))
          for i in run.dropFirst() { cr.lineTo(px(s.x[i]), py(band.upper[i])) }
          for i in run.reversed() { cr.lineTo(px(s.x[i]), py(band.lower[i])) }
          cr.closePath()
          cr.fill()
        }
        run = []
      }
      for i in s.x.indices {
        if s.x[i].isFinite && band.lower[i].isFinite && band.upper[i].isFinite { run.append(i) } else { flush() }
      }
      flush()
    }
  }
}
