internal import CCairo
import Foundation
import Imaging
import Render

/// SplitMix64: a small seedable generator, so the data set does not depend on any other module.
struct DemoRandom {
  private var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Uniform in [0, 1).
  mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }
  /// Uniform in [a, b).
  mutating func uniform(_ a: Double, _ b: Double) -> Double { a + (b - a) * unit() }
  /// Uniform in 0..<n.
  mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }

  /// A generator for item `index` of `seed` (both mixed, so neighbouring items are unrelated).
  static func forItem(seed: UInt64, index: Int) -> DemoRandom {
    var a = DemoRandom(seed: seed)
    let s = a.next()
    var b = DemoRandom(seed: s ^ UInt64(bitPattern: Int64(index)) &* 0xD6E8_FEB8_6659_FD93)
    return DemoRandom(seed: b.next())
  }
}

/// Draws one item: a textured background computed in Swift, then the shape drawn with Cairo
/// on it and, separately, into an 8-bit coverage mask.
struct Generator {
  let size: Int
  let index: Int
  var rng: DemoRandom

  init(seed: UInt64, index: Int, size: Int) {
    self.size = size
    self.index = index
    rng = DemoRandom.forItem(seed: seed, index: index)
  }

  mutating func generate() -> DemoItem {
    let n = size, s = Double(size)
    let label = index % DemoShape.allCases.count
    var background = makeBackground()

    // Geometry: the whole shape stays inside the image.
    let radius = rng.uniform(0.15, 0.30) * s
    let cx = rng.uniform(radius + 1, s - radius - 1), cy = rng.uniform(radius + 1, s - radius - 1)
    let rotation = rng.uniform(0, 2 * .pi)
    let holeRatio = rng.uniform(0.45, 0.62)
    let color = pickObjectColor(background, cx: cx, cy: cy, radius: radius)

    // Background bytes, with a fine grain.
    var pixels = [UInt8](repeating: 0, count: n * n * 3)
    for i in 0..<(n * n * 3) {
      let grain = (rng.unit() + rng.unit() - 1) * 0.04
      background[i] += grain
      pixels[i] = UInt8(max(0, min(255, (background[i] * 255).rounded())))
    }

    let path: (OpaquePointer) -> Void = { cr in
      cairo_translate(cr, cx, cy)
      cairo_rotate(cr, rotation)
      Self.shapePath(cr, DemoShape(rawValue: label)!, radius: radius, holeRatio: holeRatio)
    }
    let image = Self.drawShape(on: pixels, size: n, color: color, path: path)
    let mask = Self.coverageMask(size: n, path: path)
    return DemoItem(
      image: image, mask: mask, label: label, index: index, objectColor: color, center: (cx, cy), radius: radius)
  }

  // MARK: - Background

  /// A background in [0, 1] RGB (HWC): a two-colour linear gradient plus a texture (smooth
  /// value noise, soft stripes, blurred blobs, or noise and blobs).
  mutating func makeBackground() -> [Double] {
    let n = size, s = Double(size)
    var bg = [Double](repeating: 0, count: n * n * 3)
    let c1 = randomColor(saturation: 0.05...0.55, value: 0.2...0.95)
    let c2 = randomColor(saturation: 0.05...0.55, value: 0.2...0.95)
    let angle = rng.uniform(0, 2 * .pi)
    let (ca, sa) = (cos(angle), sin(angle))
    for y in 0..<n {
      for x in 0..<n {
        let t = min(1, max(0, ((Double(x) - s / 2) * ca + (Double(y) - s / 2) * sa) / s + 0.5))
        for c in 0..<3 { bg[(y * n + x) * 3 + c] = c1[c] + (c2[c] - c1[c]) * t }
      }
    }
    let kind = rng.int(4)
    if kind == 0 || kind == 3 { addValueNoise(&bg) }
    if kind == 1 { addStripes(&bg) }
    if kind == 2 || kind == 3 { addBlobs(&bg) }
    return bg
  }

  private mutating func addValueNoise(_ bg: inout [Double]) {
    let n = size
    let cells = 2 + rng.int(6)
    let amplitude = rng.uniform(0.08, 0.3)
    let colourful = rng.uniform(0, 1)
    let g = cells + 1
    var grid = [Double](repeating: 0, count: g * g * 3)
    for i in 0..<(g * g) {
      let lum = rng.uniform(-1, 1)
      for c in 0..<3 { grid[i * 3 + c] = lum * (1 - colourful) + rng.uniform(-1, 1) * colourful }
    }
    let step = Double(n) / Double(cells)
    for y in 0..<n {
      for x in 0..<n {
        let fx = (Double(x) + 0.5) / step, fy = (Double(y) + 0.5) / step
        let ix = min(cells - 1, Int(fx)), iy = min(cells - 1, Int(fy))
        var tx = fx - Double(ix), ty = fy - Double(iy)
        tx = tx * tx * (3 - 2 * tx)
        ty = ty * ty * (3 - 2 * ty)
        for c in 0..<3 {
          let v00 = grid[(iy * g + ix) * 3 + c], v01 = grid[(iy * g + ix + 1) * 3 + c]
          let v10 = grid[((iy + 1) * g + ix) * 3 + c], v11 = grid[((iy + 1) * g + ix + 1) * 3 + c]
          let v = (v00 * (1 - tx) + v01 * tx) * (1 - ty) + (v10 * (1 - tx) + v11 * tx) * ty
          bg[(y * n + x) * 3 + c] += amplitude * v
        }
      }
    }
  }

  private mutating func addStripes(_ bg: inout [Double]) {
    let n = size
    let period = rng.uniform(0.06, 0.25) * Double(n)
    let angle = rng.uniform(0, .pi)
    let phase = rng.uniform(0, 2 * .pi)
    let strength = rng.uniform(0.15, 0.45)
    let sharpness = rng.uniform(1, 4)
    let colour = randomColor(saturation: 0...0.5, value: 0.1...1)
    let (ca, sa) = (cos(angle), sin(angle))
    for y in 0..<n {
      for x in 0..<n {
        let u = (Double(x) * ca + Double(y) * sa) * 2 * .pi / period + phase
        let w = strength * (0.5 + 0.5 * max(-1, min(1, sin(u) * sharpness)))
        for c in 0..<3 {
          let i = (y * n + x) * 3 + c
          bg[i] += (colour[c] - bg[i]) * w
        }
      }
    }
  }

  private mutating func addBlobs(_ bg: inout [Double]) {
    let n = size, s = Double(size)
    for _ in 0..<(2 + rng.int(4)) {
      let bx = rng.uniform(0, s), by = rng.uniform(0, s)
      let sigma = rng.uniform(0.08, 0.25) * s
      let weight = rng.uniform(0.3, 0.8)
      let colour = randomColor(saturation: 0...0.7, value: 0.1...1)
      for y in 0..<n {
        for x in 0..<n {
          let d2 = (Double(x) - bx) * (Double(x) - bx) + (Double(y) - by) * (Double(y) - by)
          let w = weight * exp(-d2 / (2 * sigma * sigma))
          for c in 0..<3 {
            let i = (y * n + x) * 3 + c
            bg[i] += (colour[c] - bg[i]) * w
          }
        }
      }
    }
  }

  // MARK: - Colours

  private mutating func randomColor(saturation: ClosedRange<Double>, value: ClosedRange<Double>) -> [Double] {
    hsv(rng.uniform(0, 1), rng.uniform(saturation.lowerBound, saturation.upperBound),
        rng.uniform(value.lowerBound, value.upperBound))
  }

  private func hsv(_ h: Double, _ s: Double, _ v: Double) -> [Double] {
    let i = Int(h * 6) % 6, f = h * 6 - Double(Int(h * 6))
    let p = v * (1 - s), q = v * (1 - f * s), t = v * (1 - (1 - f) * s)
    switch i {
    case 0: return [v, t, p]
    case 1: return [q, v, p]
    case 2: return [p, v, t]
    case 3: return [p, q, v]
    case 4: return [t, p, v]
    default: return [v, p, q]
    }
  }

  /// A saturated colour that differs clearly from the mean background around the shape.
  private mutating func pickObjectColor(_ bg: [Double], cx: Double, cy: Double, radius: Double) -> (r: UInt8, g: UInt8, b: UInt8) {
    let n = size
    var mean = [0.0, 0.0, 0.0]
    var count = 0.0
    for y in max(0, Int(cy - radius))..<min(n, Int(cy + radius) + 1) {
      for x in max(0, Int(cx - radius))..<min(n, Int(cx + radius) + 1) {
        for c in 0..<3 { mean[c] += bg[(y * n + x) * 3 + c] }
        count += 1
      }
    }
    mean = mean.map { min(1, max(0, $0 / max(count, 1))) }
    var colour = mean.map { 1 - $0 }
    for _ in 0..<32 {
      let candidate = randomColor(saturation: 0.55...1, value: 0.4...1)
      let d = zip(candidate, mean).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
      if d >= 0.4 {
        colour = candidate
        break
      }
    }
    let b = colour.map { UInt8(max(0, min(255, ($0 * 255).rounded()))) }
    return (b[0], b[1], b[2])
  }

  // MARK: - Cairo

  /// The shape's path around the origin (the caller has translated and rotated).
  static func shapePath(_ cr: OpaquePointer, _ shape: DemoShape, radius r: Double, holeRatio: Double) {
    cairo_new_path(cr)
    func polygon(_ points: [(Double, Double)]) {
      cairo_move_to(cr, points[0].0, points[0].1)
      for p in points.dropFirst() { cairo_line_to(cr, p.0, p.1) }
      cairo_close_path(cr)
    }
    func polar(_ radius: Double, _ angle: Double) -> (Double, Double) {
      (radius * cos(angle - .pi / 2), radius * sin(angle - .pi / 2))
    }
    switch shape {
    case .disc:
      cairo_arc(cr, 0, 0, r, 0, 2 * .pi)
      cairo_close_path(cr)
    case .ring:
      cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD)
      cairo_arc(cr, 0, 0, r, 0, 2 * .pi)
      cairo_close_path(cr)
      cairo_new_sub_path(cr)
      cairo_arc(cr, 0, 0, r * holeRatio, 0, 2 * .pi)
      cairo_close_path(cr)
    case .square:
      let h = r * 0.5.squareRoot()  // corners on the outer radius
      polygon([(-h, -h), (h, -h), (h, h), (-h, h)])
    case .triangle:
      polygon((0..<3).map { polar(r, Double($0) * 2 * .pi / 3) })
    case .star:
      polygon((0..<10).map { polar($0 % 2 == 0 ? r : r * 0.42, Double($0) * .pi / 5) })
    case .cross:
      let w = r * 0.3, l = r * 0.95  // arm corners just inside the outer radius
      polygon([(-w, -l), (w, -l), (w, -w), (l, -w), (l, w), (w, w), (w, l), (-w, l), (-w, w), (-l, w), (-l, -w), (-w, -w)])
    }
  }

  /// The background bytes with the shape filled in `color` (antialiased edges).
  static func drawShape(on pixels: [UInt8], size n: Int, color: (r: UInt8, g: UInt8, b: UInt8), path: (OpaquePointer) -> Void) -> RGBImage {
    do {
      return try RGBImage(width: n, height: n, pixels: pixels).drawnWithCairo { cr in
        cairo_set_source_rgb(cr, Double(color.r) / 255, Double(color.g) / 255, Double(color.b) / 255)
        path(cr)
        cairo_fill(cr)
      }
    } catch {
      preconditionFailure("DemoDataset: cannot draw on a \(n)x\(n) Cairo surface: \(error)")
    }
  }

  /// The shape's coverage rendered alone (Cairo A8, antialiased), thresholded at one half.
  static func coverageMask(size n: Int, path: (OpaquePointer) -> Void) -> [Bool] {
    let surface = cairo_image_surface_create(CAIRO_FORMAT_A8, Int32(n), Int32(n))!
    defer { cairo_surface_destroy(surface) }
    let cr = cairo_create(surface)!
    cairo_set_source_rgba(cr, 1, 1, 1, 1)
    path(cr)
    cairo_fill(cr)
    cairo_destroy(cr)
    cairo_surface_flush(surface)
    let stride = Int(cairo_image_surface_get_stride(surface))
    let base = cairo_image_surface_get_data(surface)!
    var mask = [Bool](repeating: false, count: n * n)
    for y in 0..<n {
      for x in 0..<n where base[y * stride + x] >= 128 { mask[y * n + x] = true }
    }
    return mask
  }
}
