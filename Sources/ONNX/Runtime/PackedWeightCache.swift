import Autodiff
import Foundation

/// Weights of one plan's convolutions and dense layers prepared once for the GEMM kernel
/// (packed, and transposed where the graph stores them `[in, out]`), so passes do not repack
/// them. Only values that do not depend on the image are cached, by value name and use.
final class PackedWeightCache: @unchecked Sendable {
  /// The values that are the same on every pass of the plan.
  let constants: Set<String>
  private var entries: [String: (weight: Tensor, packed: PackedWeights?)] = [:]
  private let lock = NSLock()

  init(constants: Set<String>) { self.constants = constants }

  /// The entry `key`, made by `make` (without gradients) on first use.
  func entry(_ key: String, _ make: () -> (Tensor, PackedWeights?)) -> (weight: Tensor, packed: PackedWeights?) {
    lock.lock()
    defer { lock.unlock() }
    if let cached = entries[key] { return cached }
    let made = withoutGradients(make)
    entries[key] = (made.0.detached(), made.1)
    return entries[key]!
  }

  /// The number of prepared weights.
  var count: Int {
    lock.lock()
    defer { lock.unlock() }
    return entries.count
  }
}
