/// Draws the correct / incorrect markers as vector shapes (no font glyphs needed).
///
/// Correct: a filled green disc with a white tick. Incorrect: a hollow red ring with a red
/// cross. Fill versus outline and tick versus cross keep them apart in greyscale print.
enum MarkerGlyph {
  static let green = RGBColor(hex: 0x1A9641)
  static let red = RGBColor(hex: 0xD7191C)

  static func draw(_ marker: HeatmapGrid.Marker, in r: LayoutRect, on cr: CairoContext) {
    let s = min(r.width, r.height)
    let cx = r.x + r.width / 2, cy = r.y + r.height / 2
    func p(_ u: Double, _ v: Double) -> (Double, Double) { (cx + (u - 0.5) * s, cy + (v - 0.5) * s) }
    cr.save()
    cr.setRoundCaps()
    switch marker {
    case .none: break
    case .correct:
      cr.setColor(green)
      cr.circle(cx, cy, s / 2)
      cr.fill()
      cr.setColor(.white)
      cr.setLineWidth(s * 0.15)
      let a = p(0.26, 0.53), b = p(0.43, 0.70), c = p(0.75, 0.33)
      cr.moveTo(a.0, a.1)
      cr.lineTo(b.0, b.1)
      cr.lineTo(c.0, c.1)
      cr.stroke()
    case .incorrect:
      let lw = s * 0.12
      cr.setColor(.white)
      cr.circle(cx, cy, s / 2 - lw / 2)
      cr.fill()
      cr.setColor(red)
      cr.setLineWidth(lw)
      cr.circle(cx, cy, s / 2 - lw / 2)
      cr.stroke()
      cr.setLineWidth(s * 0.14)
      let a = p(0.33, 0.33), b = p(0.67, 0.67), c = p(0.67, 0.33), d = p(0.33, 0.67)
      cr.moveTo(a.0, a.1)
      cr.lineTo(b.0, b.1)
      cr.moveTo(c.0, c.1)
      cr.lineTo(d.0, d.1)
      cr.stroke()
    }
    cr.restore()
  }
}
