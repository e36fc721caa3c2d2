/// torchvision.transforms.functional on `RGBImage` (the PIL-image code paths), with the same
/// size arithmetic and rounding.
public enum Transforms {
  /// torchvision `_compute_resized_output_size` for `Resize(size)` with an int: the shorter side
  /// becomes `size`, the longer `int(size * long / short)` (truncated). Returns (height, width).
  public static func resizedSize(height: Int, width: Int, shorterSide size: Int) -> (
    height: Int, width: Int
  ) {
    precondition(size > 0 && height > 0 && width > 0, "resizedSize: sizes must be positive")
    let (short, long) = width <= height ? (width, height) : (height, width)
    let newLong = Int(Double(size * long) / Double(short))
    return width <= height ? (newLong, size) : (size, newLong)
  }

  /// torchvision `Resize(size)` (int): scales the shorter side to `size` with Pillow BILINEAR
  /// (or `filter`).
  public static func resize(
    _ image: RGBImage, shorterSide size: Int, filter: PillowResample.Filter = .bilinear
  ) -> RGBImage {
    let target = resizedSize(height: image.height, width: image.width, shorterSide: size)
    return PillowResample.resample(image, width: target.width, height: target.height, filter: filter)
  }

  /// torchvision `Resize((height, width))`: Pillow BILINEAR to exactly that size (no-op if equal).
  public static func resize(_ image: RGBImage, height: Int, width: Int) -> RGBImage {
    PillowResample.bilinear(image, width: width, height: height)
  }

  /// torchvision `center_crop`: zero-pads (split as torchvision does) when the crop is larger
  /// than the image, then takes the window at `int(round((dim - crop) / 2.0))` (Python's round,
  /// ties to even).
  public static func centerCrop(_ image: RGBImage, height cropHeight: Int, width cropWidth: Int)
    -> RGBImage
  {
    precondition(cropHeight > 0 && cropWidth > 0, "centerCrop: size must be positive")
    let padLeft = cropWidth > image.width ? (cropWidth - image.width) / 2 : 0
    let padTop = cropHeight > image.height ? (cropHeight - image.height) / 2 : 0
    let padRight = cropWidth > image.width ? (cropWidth - image.width + 1) / 2 : 0
    let padBottom = cropHeight > image.height ? (cropHeight - image.height + 1) / 2 : 0
    let paddedWidth = image.width + padLeft + padRight
    let paddedHeight = image.height + padTop + padBottom
    func offset(_ dim: Int, _ crop: Int) -> Int {
      Int((Double(dim - crop) / 2.0).rounded(.toNearestOrEven))
    }
    let top = offset(paddedHeight, cropHeight) - padTop
    let left = offset(paddedWidth, cropWidth) - padLeft
    return image.cropped(left: left, top: top, width: cropWidth, height: cropHeight)
  }

  /// torchvision `to_tensor`: CHW float32 `value / 255`, shape `[3, height, width]`.
  public static func toTensor(_ image: RGBImage) -> (values: [Float], shape: [Int]) {
    (image.chwFloats(), [3, image.height, image.width])
  }

  /// torchvision `normalize` on a CHW tensor: `(x - mean[c]) / std[c]` in float32, with the
  /// Python float statistics rounded to float32 first (as `torch.as_tensor(mean, dtype)`).
  public static func normalize(_ values: [Float], shape: [Int], mean: [Double], std: [Double])
    -> [Float]
  {
    precondition(shape.count == 3 && shape[0] == mean.count && mean.count == std.count,
      "normalize: \(mean.count) means/\(std.count) stds for shape \(shape)")
    precondition(std.allSatisfy { $0 != 0 }, "normalize: std must be non-zero")
    let plane = shape[1] * shape[2]
    var out = values
    for c in 0..<shape[0] {
      let m = Float(mean[c]), s = Float(std[c])
      for i in (c * plane)..<((c + 1) * plane) { out[i] = (out[i] - m) / s }
    }
    return out
  }
}
