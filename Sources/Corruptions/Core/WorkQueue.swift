import Dispatch
import Foundation

/// Runs `body(i)` for every `i` in `0..<count` on `workers` threads, each taking the next index
/// as soon as it is free (items of very different cost, such as corruptions or image files, then
/// keep every thread busy). `body` runs concurrently: it synchronises what it shares.
func forEachIndex(_ count: Int, workers: Int, _ body: (Int) -> Void) {
  let lock = NSLock()
  var next = 0
  DispatchQueue.concurrentPerform(iterations: max(1, min(workers, count))) { _ in
    while true {
      lock.lock()
      let i = next
      next += 1
      lock.unlock()
      if i >= count { return }
      body(i)
    }
  }
}
