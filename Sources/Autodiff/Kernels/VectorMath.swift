internal import CKernels

/// Float32 elementwise kernels on AVX-512 (CKernels/vector_math.c), used by the ops when the
/// processor has it; the generic Swift kernels remain the path for float64 and other processors.
enum VectorMath {
  /// Whether the AVX-512 kernels run (same switch as the GEMM kernel, `GRADCAM_GEMM=blas` off).
  static var enabled: Bool { GEMMKernel.useAVX512 }

  /// GELU (exact erf form) of every element, split across cores.
  static func gelu(_ a: [Float]) -> [Float] {
    [Float](unsafeUninitializedCapacity: a.count) { out, count in
      a.withUnsafeBufferPointer { src in
        let s = src.baseAddress, o = out.baseAddress
        parallelChunks(a.count, grain: 16_384) { r in
          ck_gelu(s! + r.lowerBound, o! + r.lowerBound, r.count)
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
