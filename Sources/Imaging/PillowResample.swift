/// Pillow's BILINEAR and BICUBIC resize of 8-bit images (`Image.resize(size, Image.BILINEAR)`),
/// bit-exact.
///
/// A port of `ImagingResample` in Pillow's `libImaging/Resample.c` (Pillow >= 4): a triangle
/// (or Keys cubic, a = -0.5) filter widened by the scale factor when downsampling (antialiasing), separable, coefficients
/// normalised in double precision and then converted to 22-bit fixed point, sums started at one
/// half and clipped. Which pass runs first changes the rounding of the intermediate image, so it
/// is reproduced too: Pillow 4-12 always run the horizontal pass first (over only the rows the
/// vertical pass needs); Pillow 13 runs the vertical pass first when the height shrinks by more
/// than twice as many pixels as the width (`inH - outH > 2 * (inW - outW)`, Pillow PR #9549;
/// established against Pillow 13.0.0 on 583 random size pairs, see ImagingTests).
public enum PillowResample {
  /// Which Pillow release's pass order to reproduce.
  public enum PassOrder: Sendable {
    /// Pillow 4 through 12: horizontal pass first, always.
    case pillow4to12
    /// Pillow 13: vertical first when height shrinks much more than width (the default).
    case pillow13
  }

  /// Fixed-point fraction bits of the 8-bit resampler (`PRECISION_BITS`).
  static let precisionBits = 32 - 8 - 2

  /// Per output sample: first input index, number of inputs and fixed-point weights.
  struct Coefficients {
    var kernelSize: Int
    var bounds: [(min: Int, count: Int)]
    var weights: [Int32]
  }

  /// A resampling filter of Pillow's.
  public enum Filter: Sendable {
    /// `Image.BILINEAR`: the triangle filter, support 1.
    case bilinear
    /// `Image.BICUBIC`: Keys' cubic with a = -0.5, support 2.
    case bicubic

    var support: Double { self == .bilinear ? 1 : 2 }

    /// Pillow's `bilinear_filter` / `bicubic_filter`.
    func callAsFunction(_ x: Double) -> Double {
      let t = abs(x)
      switch self {
      case .bilinear: return t < 1.0 ? 1.0 - t : 0.0
      case .bicubic:
        let a = -0.5
        if t < 1.0 { return ((a + 2.0) * t - (a + 3.0)) * t * t + 1 }
        if t < 2.0 { return (((t - 5) * t + 8) * t - 4) * a }
        return 0.0
      }
    }
  }

  /// `precompute_coeffs` + `normalize_coeffs_8bpc` for the box [0, inSize) and `filter`.
  static func coefficients(inSize: Int, outSize: Int, filter: Filter = .bilinear) -> Coefficients {
    let in0 = 0.0, in1 = Double(inSize)
    let scale = (in1 - in0) / Double(outSize)
    let filterScale = max(scale, 1.0)
    let support = filter.support * filterScale
    let kernelSize = Int(support.rounded(.up)) * 2 + 1
    var bounds = [(min: Int, count: Int)]()
    bounds.reserveCapacity(outSize)
    var weights = [Int32](repeating: 0, count: outSize * kernelSize)
    var k = [Double](repeating: 0, count: kernelSize)
    let ss = 1.0 / filterScale
    for xx in 0..<outSize {
      let center = in0 + (Double(xx) + 0.5) * scale
      var xmin = Int(center - support + 0.5)
      if xmin < 0 { xmin = 0 }
      var xmax = Int(center + support + 0.5)
      if xmax > inSize { xmax = inSize }
      xmax -= xmin
      var ww = 0.0
      for x in 0..<kernelSize { k[x] = 0 }
      for x in 0..<max(0, xmax) {
        let w = filter((Double(x + xmin) - center + 0.5) * ss)
        k[x] = w
        ww += w
      }
      for x in 0..<max(0, xmax) where ww != 0.0 { k[x] /= ww }
      for x in 0..<kernelSize {
        let v = k[x] * Double(1 << precisionBits)
        weights[xx * kernelSize + x] = Int32(v < 0 ? -0.5 + v : 0.5 + v)
      }
      bounds.append((xmin, xmax))
    }
    return Coefficients(kernelSize: kernelSize, bounds: bounds, weights: weights)
  }

  /// Pillow's `clip8`: drop the fraction bits and clamp to 0...255.
  @inline(__always) static func clip8(_ value: Int) -> UInt8 {
    if value >= (1 << precisionBits) << 8 { return 255 }
    if value <= 0 { return 0 }
    return UInt8(truncatingIfNeeded: value >> precisionBits)
  }

  /// Whether Pillow runs the vertical pass first for this resize.
  public static func verticalFirst(
    from source: (width: Int, height: Int), to target: (width: Int, height: Int),
    order: PassOrder = .pillow13
  ) -> Bool {
    guard order == .pillow13, target.width != source.width, target.height < source.height
    else { return false }
    return source.height - target.height > 2 * (source.width - target.width)
  }

  /// Resizes `image` to `width` x `height` exactly as Pillow's BILINEAR resample does.
  public static func bilinear(
    _ image: RGBImage, width: Int, height: Int, order: PassOrder = .pillow13
  ) -> RGBImage {
    resample(image, width: width, height: height, filter: .bilinear, order: order)
  }

  /// Resizes `image` to `width` x `height` exactly as Pillow's resample with `filter` does.
  public static func resample(
    _ image: RGBImage, width: Int, height: Int, filter: Filter, order: PassOrder = .pillow13
  ) -> RGBImage {
    precondition(width > 0 && height > 0, "PillowResample: target size must be positive")
    precondition(image.width > 0 && image.height > 0, "PillowResample: empty source image")
    if width == image.width && height == image.height { return image }
    let horizontal = coefficients(inSize: image.width, outSize: width, filter: filter)
    var vertical = coefficients(inSize: image.height, outSize: height, filter: filter)
    if verticalFirst(
      from: (image.width, image.height), to: (width, height), order: order)
    {
      let shrunk = verticalPass(image, vertical, outHeight: height)
      return horizontalPass(shrunk, rows: 0..<height, horizontal, outWidth: width)
    }
    var current = image
    if width != image.width {
      // Only rows first...last are needed by the vertical pass (Pillow's ybox_first/last).
      let first = vertical.bounds[0].min
      let last = vertical.bounds[height - 1].min + vertical.bounds[height - 1].count
      for i in 0..<height { vertical.bounds[i].min -= first }
      current = horizontalPass(image, rows: first..<last, horizontal, outWidth: width)
    }
    if height != image.height {
      current = verticalPass(current, vertical, outHeight: height)
    }
    return current
  }

  static func horizontalPass(
    _ image: RGBImage, rows: Range<Int>, _ c: Coefficients, outWidth: Int
  ) -> RGBImage {
    let half = 1 << (precisionBits - 1)
    var out = [UInt8](repeating: 0, count: outWidth * rows.count * 3)
    image.pixels.withUnsafeBufferPointer { src in
      c.weights.withUnsafeBufferPointer { kk in
        out.withUnsafeMutableBufferPointer { dst in
          for (yy, y) in rows.enumerated() {
            let row = y * image.width * 3
            for xx in 0..<outWidth {
              let (xmin, count) = c.bounds[xx]
              let k = xx * c.kernelSize
              var s0 = half, s1 = half, s2 = half
              for x in 0..<count {
                let p = row + (x + xmin) * 3
                let w = Int(kk[k + x])
                s0 += Int(src[p]) * w
                s1 += Int(src[p + 1]) * w
                s2 += Int(src[p + 2]) * w
              }
              let d = (yy * outWidth + xx) * 3
              dst[d] = clip8(s0)
              dst[d + 1] = clip8(s1)
              dst[d + 2] = clip8(s2)
            }
          }
        }
      }
    }
    return RGBImage(width: outWidth, height: rows.count, pixels: out)
  }

  static func verticalPass(_ image: RGBImage, _ c: Coefficients, outHeight: Int) -> RGBImage {
    let half = 1 << (precisionBits - 1)
    let rowBytes = image.width * 3
    var out = [UInt8](repeating: 0, count: rowBytes * outHeight)
    image.pixels.withUnsafeBufferPointer { src in
      c.weights.withUnsafeBufferPointer { kk in
        out.withUnsafeMutableBufferPointer { dst in
          var sums = [Int](repeating: 0, count: rowBytes)
          for yy in 0..<outHeight {
            let (ymin, count) = c.bounds[yy]
            let k = yy * c.kernelSize
            for i in 0..<rowBytes { sums[i] = half }
            for y in 0..<count {
              let w = Int(kk[k + y])
              let row = (y + ymin) * rowBytes
              for i in 0..<rowBytes { sums[i] += Int(src[row + i]) * w }
            }
            let d = yy * rowBytes
            for i in 0..<rowBytes { dst[d + i] = clip8(sums[i]) }
          }
        }
      }
    }
    return RGBImage(width: image.width, height: outHeight, pixels: out)
  }
}
