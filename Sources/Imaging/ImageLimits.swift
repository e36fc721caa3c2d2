import Foundation

/// Limits that protect decoders from hostile or corrupt headers.
public enum ImageLimits {
  /// The default maximum number of pixels a decoder accepts: 178,956,970, twice Pillow's
  /// `Image.MAX_IMAGE_PIXELS`, the size at which Pillow raises `DecompressionBombError`.
  public static let defaultMaxPixels = 178_956_970

  private static let lock = NSLock()
  nonisolated(unsafe) private static var storedMaxPixels = defaultMaxPixels

  /// The process-wide maximum `width * height` used when a decode call does not pass one.
  /// Images declaring more pixels fail with an `ImageError` before any pixel memory is
  /// allocated. Thread-safe.
  public static var maxPixels: Int {
    get { lock.lock(); defer { lock.unlock() }; return storedMaxPixels }
    set {
      precondition(newValue > 0, "ImageLimits.maxPixels must be positive")
      lock.lock(); defer { lock.unlock() }
      storedMaxPixels = newValue
    }
  }
}
