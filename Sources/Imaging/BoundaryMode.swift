import Foundation

/// scipy.ndimage boundary modes (used by the Gaussian filter and the corruptions).
public enum BoundaryMode: Sendable {
  /// Edge replication (`mode='nearest'`, skimage's default).
  case nearest
  /// Half-sample symmetric (`mode='reflect'`): d c b a | a b c d | d c b a, repeated.
  case reflect

  /// The in-range index that out-of-range index `i` of an axis of length `n` reads.
  @inlinable public func index(_ i: Int, _ n: Int) -> Int {
    if i >= 0 && i < n { return i }
    switch self {
    case .nearest: return i < 0 ? 0 : n - 1
    case .reflect:
      if n == 1 { return 0 }
      let p = 2 * n
      var m = i % p
      if m < 0 { m += p }
      return m < n ? m : p - 1 - m
    }
  }
}
