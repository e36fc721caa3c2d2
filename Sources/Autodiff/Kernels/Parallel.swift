import Dispatch
import Foundation

/// Splits `0..<count` into contiguous chunks run on all cores when the work is large enough.
///
/// - Parameters:
///   - count: number of items.
///   - grain: minimum items per chunk; below `2 * grain` everything runs on the calling thread.
///   - body: processes one half-open range of items.
@inline(__always)
func parallelChunks(_ count: Int, grain: Int = 32_768, _ body: (Range<Int>) -> Void) {
  let chunks = min(coreCount, count / max(grain, 1))
  if chunks <= 1 {
    body(0..<count)
    return
  }
  let size = (count + chunks - 1) / chunks
  DispatchQueue.concurrentPerform(iterations: chunks) { c in
    let lo = c * size
    let hi = min(count, lo + size)
    if lo < hi { body(lo..<hi) }
  }
}

/// The number of active cores, read once.
let coreCount = max(1, ProcessInfo.processInfo.activeProcessorCount)
