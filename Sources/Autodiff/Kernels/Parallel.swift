import Foundation
internal import CKernels

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
  parallelFor(chunks) { c in
    let lo = c * size
    let hi = min(count, lo + size)
    if lo < hi { body(lo..<hi) }
  }
}

/// Runs `body(i)` for every `i` in `0..<iterations` on the library's thread pool (the caller
/// takes part) and returns when all are done, like `DispatchQueue.concurrentPerform`.
///
/// The pool (CKernels/thread_pool.c) keeps its threads spinning briefly between loops: a forward
/// pass runs hundreds of short loops, and waking a parked dispatch thread costs 15-20 us each.
/// Loops started inside `body` run on the calling thread: a caller with many small independent
/// items (images of a small model) runs them here, one per core, without any inner waiting.
public func parallelFor(_ iterations: Int, _ body: (Int) -> Void) {
  withoutActuallyEscaping(body) { body in
    var task = body
    withUnsafeMutablePointer(to: &task) { pointer in
      ck_parallel_for(iterations, { context, index in
        context!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(index)
      }, pointer)
    }
  }
}

/// The number of threads the parallel loops use: the active cores, read once.
let coreCount = max(1, min(ProcessInfo.processInfo.activeProcessorCount, ck_parallel_width()))
