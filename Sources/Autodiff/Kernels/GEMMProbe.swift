import Foundation
internal import CBLAS

/// Measures the BLAS GEMM this module links, for benchmarks that report ratios to its peak.
public enum GEMMProbe {
  /// Best-of-`repeats` GFLOPS of one raw `m x k . k x n` call of OpenBLAS's own GEMM, with its
  /// own threads on every core (the reference peak); the library's setting is restored after.
  public static func gflops(m: Int, n: Int, k: Int, dtype: DType = .float32, repeats: Int = 5) -> Double {
    BLASThreads.configureOnce
    openblas_set_num_threads(Int32(coreCount))
    defer { openblas_set_num_threads(1) }
    func run<T: TensorScalar>(_: T.Type) -> Double {
      let a = [T](repeating: 0.5, count: m * k), b = [T](repeating: 0.25, count: k * n)
      var c = [T](repeating: 0, count: m * n)
      var best = Double.infinity
      for _ in 0..<max(1, repeats) {
        let start = DispatchTime.now().uptimeNanoseconds
        a.withUnsafeBufferPointer { ap in
          b.withUnsafeBufferPointer { bp in
            c.withUnsafeMutableBufferPointer { cp in
              T.gemm(
                transA: false, transB: false, m: m, n: n, k: k, alpha: 1, a: ap.baseAddress!,
                lda: k, b: bp.baseAddress!, ldb: n, beta: 0, c: cp.baseAddress!, ldc: n)
            }
          }
        }
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
      }
      return 2 * Double(m) * Double(n) * Double(k) / best / 1e9
    }
    return dtype == .float32 ? run(Float.self) : run(Double.self)
  }
}
