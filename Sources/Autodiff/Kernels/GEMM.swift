import Dispatch
internal import CBLAS
#if os(Linux)
  internal import CMalloc
#endif

/// Matrix products for every op: row-major `C = alpha * op(A) * op(B) + beta * C`.
///
/// BLAS runs single-threaded and this function splits large products into column (or row)
/// blocks, one per core. That keeps one thread pool for the whole library: OpenBLAS's own
/// threads spin while idle and, next to the library's other parallel loops, oversubscribe the
/// cores (seen as most of the time going to the kernel on small CIFAR-sized products).
func gemm<T: TensorScalar>(
  transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: T,
  a: UnsafePointer<T>, lda: Int, b: UnsafePointer<T>, ldb: Int, beta: T,
  c: UnsafeMutablePointer<T>, ldc: Int
) {
  BLASThreads.configureOnce
  let work = Double(m) * Double(n) * Double(k)
  let blocks = work < 4e6 ? 1 : coreCount
  if blocks <= 1 || (m < 2 * blocks && n < 2 * blocks) {
    T.gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    return
  }
  if n >= m {
    // Column blocks of C use column blocks of op(B); keep block edges on 16-column boundaries.
    let step = ((n + blocks - 1) / blocks + 15) / 16 * 16
    DispatchQueue.concurrentPerform(iterations: (n + step - 1) / step) { i in
      let j0 = i * step, width = min(step, n - j0)
      T.gemm(transA: transA, transB: transB, m: m, n: width, k: k, alpha: alpha, a: a, lda: lda,
             b: transB ? b + j0 * ldb : b + j0, ldb: ldb, beta: beta, c: c + j0, ldc: ldc)
    }
  } else {
    // Row blocks of C use row blocks of op(A).
    let step = ((m + blocks - 1) / blocks + 15) / 16 * 16
    DispatchQueue.concurrentPerform(iterations: (m + step - 1) / step) { i in
      let i0 = i * step, height = min(step, m - i0)
      T.gemm(transA: transA, transB: transB, m: height, n: n, k: k, alpha: alpha,
             a: transA ? a + i0 : a + i0 * lda, lda: lda, b: b, ldb: ldb, beta: beta, c: c + i0 * ldc, ldc: ldc)
    }
  }
}

/// Puts OpenBLAS in single-threaded mode the first time a product runs, and keeps freed tensor
/// memory in the process: every op allocates its output, and with glibc's defaults each large
/// allocation is a fresh mmap whose pages fault in one by one (most of a batch-8 forward pass's
/// non-GEMM time). Reusing the heap removes those faults; the peak footprint is unchanged.
enum BLASThreads {
  static let configureOnce: Void = {
    openblas_set_num_threads(1)
    #if os(Linux)
      _ = mallopt(M_MMAP_THRESHOLD, 1 << 30)
      _ = mallopt(M_TRIM_THRESHOLD, 1 << 30)
    #endif
  }()
}
