internal import CKernels

/// Float32 elementwise kernels (CKernels/vector_math.c on AVX-512, vector_math_avx2.c on AVX2),
/// used by the ops when the processor has either; the generic Swift kernels remain the path for
/// float64 and other processors.
enum VectorMath {
  /// Whether a vector kernel runs: the AVX-512 ones with the GEMM kernel (off with
  /// `GRADCAM_ISA=avx2` or `GRADCAM_GEMM=blas`), else the AVX2 ones when the processor has AVX2.
  static var enabled: Bool { useAVX512 || useAVX2 }

  private static let useAVX512 = GEMMKernel.useAVX512
  private static let useAVX2 = KernelISA.selected != .baseline && ck_avx2_available() == 1

  /// GELU (exact erf form) of every element, split across cores.
  static func gelu(_ a: [Float]) -> [Float] {
    elementwise(a, useAVX512 ? ck_gelu : ck_gelu_avx2)
  }

  /// GELU's derivative, Phi(x) + x phi(x), of every element (GELU's backward), split across cores.
  static func geluDerivative(_ a: [Float]) -> [Float] {
    elementwise(a, useAVX512 ? ck_gelu_derivative : ck_gelu_derivative_avx2)
  }

  private static func elementwise(
    _ a: [Float], _ kernel: (UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, Int) -> Void
  ) -> [Float] {
    [Float](unsafeUninitializedCapacity: a.count) { out, count in
      a.withUnsafeBufferPointer { src in
        let s = src.baseAddress, o = out.baseAddress
        parallelChunks(a.count, grain: 16_384) { r in kernel(s! + r.lowerBound, o! + r.lowerBound, r.count) }
      }
      count = a.count
    }
  }

  /// One output row of a 3-wide, stride-2 max pooling from its padded column maxima
  /// (`ck_max_pool_row_k3s2`); false, doing nothing, without AVX-512.
  static func maxPoolRowK3S2(_ padded: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, count: Int) -> Bool {
    guard useAVX512 else { return false }
    ck_max_pool_row_k3s2(padded, out, count)
    return true
  }

  /// Softmax of one contiguous row; false when the row needs the exact scalar path (a NaN or an
  /// infinite maximum).
  static func softmaxRow(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) -> Bool {
    (useAVX512 ? ck_softmax_row(x, y, count) : ck_softmax_row_avx2(x, y, count)) != 0
  }
}
