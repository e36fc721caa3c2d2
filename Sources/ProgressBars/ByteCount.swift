import Foundation

/// Human-readable byte counts.
public enum ByteCount {
  /// `97.8 MiB`, `512 KiB`, `12 B`.
  public static func format(_ bytes: Int64) -> String {
    let b = Double(bytes), kib = 1024.0
    if b >= kib * kib * kib { return String(format: "%.1f GiB", b / (kib * kib * kib)) }
    if b >= kib * kib { return String(format: "%.1f MiB", b / (kib * kib)) }
    if b >= kib { return String(format: "%.0f KiB", b / kib) }
    return "\(bytes) B"
  }

  /// `≈98 MiB`: an estimate, rounded to whole MiB.
  public static func approximate(_ bytes: Int64) -> String {
    String(format: "≈%.0f MiB", Double(bytes) / (1024.0 * 1024.0))
  }
}
