import Imaging

/// Heatmap overlays in the manner of pytorch-grad-cam's `show_cam_on_image`, in RGB order.
public enum Overlay {
  /// Colours a map whose values lie in [0, 1] (see ``ColorMap/index(for:)``).
  public static func colorize(_ map: ScalarMap, colorMap: ColorMap = .jet) -> RGBImage {
    let table = colorMap.table
    var pixels = [UInt8](repeating: 0, count: map.values.count * 3)
    for (i, v) in map.values.enumerated() {
      let k = 3 * ColorMap.index(for: v)
      pixels[3 * i] = table[k]
      pixels[3 * i + 1] = table[k + 1]
      pixels[3 * i + 2] = table[k + 2]
    }
    return RGBImage(width: map.width, height: map.height, pixels: pixels)
  }

  /// Blends a heatmap on an image: `cam = (1 - w)·heat + w·img` in Float, then `cam / max(cam)`.
  ///
  /// This follows pytorch-grad-cam 1.5.7's `show_cam_on_image(img, mask, use_rgb=True,
  /// image_weight=w)`: `heat = LUT[Int(255·mask)] / 255`, `img / 255`, the global max over all pixels and
  /// channels, output `UInt8(255·cam)` truncated. Deliberate differences:
  /// * colours are in RGB order throughout (the BGR default of pgc is not copied);
  /// * mask values are clamped to [0, 1] instead of wrapping around on the uint8 cast;
  /// * the heatmap is resized to the image (bilinear, half-pixel centres) when sizes differ;
  /// * `normalizeByMax: false` skips the division by the max (pgc always divides, which
  ///   brightens dark composites and makes overlays not comparable across images);
  /// * an all-black composite is returned as is rather than divided by zero.
  ///
  /// - Parameters:
  ///   - heatmap: values in [0, 1], any size (`[H, W]`).
  ///   - image: the background image.
  ///   - colorMap: the colour map (OpenCV JET by default, as pgc).
  ///   - imageWeight: the image's weight `w` in [0, 1] (pgc default 0.5).
  ///   - normalizeByMax: divide the composite by its maximum, as pgc does.
  /// - Returns: an image of the same size as `image`.
  /// - Throws: `RenderError.invalidInput` if `imageWeight` is outside [0, 1].
  public static func blend(
    heatmap: ScalarMap, on image: RGBImage, colorMap: ColorMap = .jet, imageWeight: Float = 0.5,
    normalizeByMax: Bool = true
  ) throws -> RGBImage {
    guard (0...1).contains(imageWeight) else {
      throw RenderError.invalidInput("image weight must lie in [0, 1], got \(imageWeight)")
    }
    guard image.width > 0, image.height > 0, heatmap.width > 0, heatmap.height > 0 else {
      throw RenderError.invalidInput(
        "cannot overlay a \(heatmap.width)x\(heatmap.height) map on a \(image.width)x\(image.height) image")
    }
    let map = heatmap.resized(width: image.width, height: image.height)
    let table = colorMap.table
    let w = imageWeight
    var cam = [Float](repeating: 0, count: image.pixels.count)
    var peak: Float = 0
    for (i, v) in map.values.enumerated() {
      let k = 3 * ColorMap.index(for: v)
      for c in 0..<3 {
        let heat = Float(table[k + c]) / 255
        let img = Float(image.pixels[3 * i + c]) / 255
        let value = (1 - w) * heat + w * img
        cam[3 * i + c] = value
        peak = max(peak, value)
      }
    }
    let divisor: Float = (normalizeByMax && peak > 0) ? peak : 1
    let pixels = cam.map { UInt8(min(max(255 * ($0 / divisor), 0), 255)) }
    return RGBImage(width: image.width, height: image.height, pixels: pixels)
  }
}
