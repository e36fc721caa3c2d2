/// Flips, rotations and crops, named after Pillow's `Image.Transpose` members.
extension RGBImage {
  /// Builds an image of the given size whose pixel (x, y) is `self[source(x, y)]`.
  private func remapped(width: Int, height: Int, _ source: (Int, Int) -> (Int, Int)) -> RGBImage {
    var out = [UInt8](repeating: 0, count: width * height * 3)
    pixels.withUnsafeBufferPointer { src in
      out.withUnsafeMutableBufferPointer { dst in
        for y in 0..<height {
          for x in 0..<width {
            let (sx, sy) = source(x, y)
            let s = (sy * self.width + sx) * 3
            let d = (y * width + x) * 3
            dst[d] = src[s]
            dst[d + 1] = src[s + 1]
            dst[d + 2] = src[s + 2]
          }
        }
      }
    }
    return RGBImage(width: width, height: height, pixels: out)
  }

  /// Mirror image left to right (Pillow `FLIP_LEFT_RIGHT`).
  public func flippedLeftRight() -> RGBImage {
    remapped(width: width, height: height) { x, y in (width - 1 - x, y) }
  }

  /// Mirror image top to bottom (Pillow `FLIP_TOP_BOTTOM`).
  public func flippedTopBottom() -> RGBImage {
    remapped(width: width, height: height) { x, y in (x, height - 1 - y) }
  }

  /// Rotated by 180 degrees (Pillow `ROTATE_180`).
  public func rotated180() -> RGBImage {
    remapped(width: width, height: height) { x, y in (width - 1 - x, height - 1 - y) }
  }

  /// Rotated 90 degrees counter-clockwise (Pillow `ROTATE_90`).
  public func rotated90() -> RGBImage {
    remapped(width: height, height: width) { x, y in (width - 1 - y, x) }
  }

  /// Rotated 90 degrees clockwise (Pillow `ROTATE_270`).
  public func rotated270() -> RGBImage {
    remapped(width: height, height: width) { x, y in (y, height - 1 - x) }
  }

  /// Mirrored about the main diagonal (Pillow `TRANSPOSE`).
  public func transposed() -> RGBImage {
    remapped(width: height, height: width) { x, y in (y, x) }
  }

  /// Mirrored about the anti-diagonal (Pillow `TRANSVERSE`).
  public func transversed() -> RGBImage {
    remapped(width: height, height: width) { x, y in (width - 1 - y, height - 1 - x) }
  }

  /// The `width` x `height` region whose top-left corner is (`left`, `top`); parts outside the
  /// image are black (as Pillow's `crop` and torchvision's zero padding).
  public func cropped(left: Int, top: Int, width cropWidth: Int, height cropHeight: Int)
    -> RGBImage
  {
    precondition(cropWidth >= 0 && cropHeight >= 0, "cropped: negative size")
    var out = [UInt8](repeating: 0, count: cropWidth * cropHeight * 3)
    let x0 = max(0, left), x1 = min(width, left + cropWidth)
    guard x0 < x1 else { return RGBImage(width: cropWidth, height: cropHeight, pixels: out) }
    for y in max(0, top)..<max(max(0, top), min(height, top + cropHeight)) {
      let s = (y * width + x0) * 3
      let d = ((y - top) * cropWidth + (x0 - left)) * 3
      out.replaceSubrange(d..<(d + (x1 - x0) * 3), with: pixels[s..<(s + (x1 - x0) * 3)])
    }
    return RGBImage(width: cropWidth, height: cropHeight, pixels: out)
  }
}
