/// The element type of a tensor.
///
/// `float32` is the default for models; `float64` exists so gradients can be checked against
/// finite differences tightly.
public enum DType: String, Sendable, CaseIterable {
  case float32
  case float64

  /// Bytes per element.
  public var byteCount: Int { self == .float32 ? 4 : 8 }
}
