import Imaging

/// The blurred baseline: Imaging's ``GaussianFilter`` (scipy `gaussian_filter`, mode `nearest`)
/// per channel of `[C, H, W]` float32 values, with a kernel radius of `ceil(3σ)`.
public enum GaussianBlur {
  /// Blurs `[C, H, W]` values per channel; `sigma <= 0` returns the input.
  public static func apply(_ v: [Float], channels: Int, height: Int, width: Int, sigma: Double) -> [Float] {
    guard sigma > 0 else { return v }
    // scipy's radius is int(truncate·σ + 0.5); this truncate makes it ceil(3σ).
    let truncate = (3 * sigma).rounded(.up) / sigma
    let plane = height * width
    var out: [Float] = []
    out.reserveCapacity(v.count)
    for c in 0..<channels {
      let channel = v[(c * plane)..<((c + 1) * plane)].map(Double.init)
      let blurred = GaussianFilter.apply(
        channel, height: height, width: width, channels: 1, sigmaY: sigma, sigmaX: sigma, truncate: truncate,
        float32: true)
      out += blurred.map(Float.init)
    }
    return out
  }
}
