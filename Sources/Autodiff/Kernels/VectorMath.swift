internal import CKernels

/// Float32 elementwise kernels on AVX-512 (CKernels/vector_math.c), used by the ops when the
/// processor has it; the generic Swift kernels remain the path for float64 and other processors.
enum VectorMath {
  /// Whether the AVX-512 kernels run (same switch as the GEMM kernel, `GRADCAM_GEMM=blas` off).
  static var enabled: Bool { GEMMKernel.useAVX512 }

  /// Whether the AVX2 + FMA GELU (CKernels/gelu_avx2.c) runs on this processor, for those
  /// without AVX-512 (probed once on one element).
  static let avx2GELU: Bool = {
    var v: Float = 0
    return withUnsafeMutablePointer(to: &v) { ck_gelu_avx2($0, $0, 1) } == 1
  }()

  /// GELU (exact erf form) of every element, split across cores, with the AVX-512 kernel when
  /// ``enabled``, else the AVX2 one; nil when neither runs here (the caller's Swift kernel does).
  static func gelu(_ a: [Float]) -> [Float]? {
    let avx512 = enabled
    guard avx512 || avx2GELU else { return nil }
    return [Float](unsafeUninitializedCapacity: a.count) { out, count in
      a.withUnsafeBufferPointer { src in
        let s = src.baseAddress, o = out.baseAddress
        parallelChunks(a.count, grain: 16_384) { r in
          if avx512 {
            ck_gelu(s! + r.lowerBound, o! + r.lowerBound, r.count)
          } else {
            _ = ck_gelu_avx2(s! + r.lowerBound, o! + r.lowerBound, r.count)
          }
        }
      }
      count = a.count
    }
  }

  /// Softmax of one contiguous row; false when the row needs the exact scalar path (a NaN or an
  /// infinite maximum).
  static func softmaxRow(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) -> Bool {
    ck_softmax_row(x, y, count) != 0
  }
}
