// Localisation of a saliency map against a ground-truth object mask: the pointing game and the
// mask energy ratio. Pure functions on row-major maps and masks of the same size; a map
// computed at feature resolution must be upsampled to the mask's size first.

/// Localisation metrics of a saliency map `[height * width]` against an object mask of the
/// same size (row-major, `[y * width + x]`).
public enum Localization {
  /// The map's peak: the first maximum in row-major order (as `torch.argmax` on the flattened
  /// map); NaNs are ignored. Nil for an empty or all-NaN map.
  public static func peak(of map: [Float], width: Int) -> (x: Int, y: Int)? {
    precondition(width > 0 && map.count % width == 0, "Localization.peak: \(map.count) values are not rows of \(width)")
    var best = -1
    for i in map.indices where !map[i].isNaN {
      if best < 0 || map[i] > map[best] { best = i }
    }
    return best < 0 ? nil : (best % width, best / width)
  }

  /// The pointing game (Zhang et al. 2016, "Top-down neural attention by excitation backprop"):
  /// whether the map's peak (see ``peak(of:width:)``) hits the object.
  ///
  /// With `tolerance` 0 the peak pixel itself must be in the mask. With `tolerance > 0` it
  /// follows TorchRay's `PointingGame`: a hit when some mask pixel lies at a Euclidean distance
  /// strictly below `tolerance` pixels from the peak (`(dx^2 + dy^2) < tolerance^2`). TorchRay
  /// uses 15 pixels on ImageNet-sized images (about 7% of a 224-pixel side); scale it with the
  /// image (e.g. 4 or 5 pixels at 64x64).
  ///
  /// - Returns: false for a map with no peak (empty or all NaN) or an empty mask.
  public static func pointingHit(map: [Float], mask: [Bool], width: Int, tolerance: Double = 0) -> Bool {
    precondition(map.count == mask.count, "Localization.pointingHit: map has \(map.count) values, mask \(mask.count)")
    precondition(tolerance >= 0, "Localization.pointingHit: negative tolerance")
    guard let (px, py) = peak(of: map, width: width) else { return false }
    if mask[py * width + px] { return true }
    guard tolerance > 0 else { return false }
    let height = mask.count / width
    let reach = Int(tolerance.rounded(.up))
    let limit = tolerance * tolerance
    for y in max(0, py - reach)...min(height - 1, py + reach) {
      for x in max(0, px - reach)...min(width - 1, px + reach) where mask[y * width + x] {
        let d2 = Double((x - px) * (x - px) + (y - py) * (y - py))
        if d2 < limit { return true }
      }
    }
    return false
  }

  /// ``pointingHit(map:mask:width:tolerance:)`` with a byte mask (nonzero is inside).
  public static func pointingHit(map: [Float], mask: [UInt8], width: Int, tolerance: Double = 0) -> Bool {
    pointingHit(map: map, mask: mask.map { $0 != 0 }, width: width, tolerance: tolerance)
  }

  /// The mask energy ratio (the "energy-based pointing game" of Score-CAM, Wang et al. 2020):
  /// the share of the map's total mass inside the mask, `sum(map[mask]) / sum(map)`, in [0, 1].
  ///
  /// Negative values count as zero (Grad-CAM maps are already ReLU'd) and NaNs are skipped. The
  /// ratio does not change when the map is scaled, so min-max normalisation is not needed unless
  /// the map has a negative floor to remove first.
  ///
  /// - Returns: nil when the map has no positive mass.
  public static func energyRatio(map: [Float], mask: [Bool]) -> Float? {
    precondition(map.count == mask.count, "Localization.energyRatio: map has \(map.count) values, mask \(mask.count)")
    var inside = 0.0, total = 0.0
    for i in map.indices where map[i] > 0 {
      let v = Double(map[i])
      total += v
      if mask[i] { inside += v }
    }
    guard total > 0, total.isFinite else { return nil }
    return Float(inside / total)
  }

  /// ``energyRatio(map:mask:)`` with a byte mask (nonzero is inside).
  public static func energyRatio(map: [Float], mask: [UInt8]) -> Float? {
    energyRatio(map: map, mask: mask.map { $0 != 0 })
  }

  /// The share of the image the mask covers: the energy ratio a uniform map would get (the
  /// chance level to compare ``energyRatio(map:mask:)`` with).
  public static func maskFraction(_ mask: [Bool]) -> Float {
    mask.isEmpty ? 0 : Float(mask.lazy.filter { $0 }.count) / Float(mask.count)
  }
}
