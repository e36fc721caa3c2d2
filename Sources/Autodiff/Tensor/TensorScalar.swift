internal import CBLAS
import RealModule

/// A floating-point type a `Tensor` can hold: `Float` or `Double`.
///
/// Kernels are written once, generic over `TensorScalar`, and specialised for both types inside
/// this module; the protocol also carries the BLAS entry point for each type.
public protocol TensorScalar: Real & BinaryFloatingPoint & Sendable {
  /// The runtime element type for this Swift type.
  static var dtype: DType { get }
  /// Reads the elements of `storage` (which must hold this type).
  static func unwrap(_ storage: TensorStorage) -> [Self]
  /// Wraps elements as storage.
  static func wrap(_ array: [Self]) -> TensorStorage
  /// Row-major GEMM: `C = alpha * op(A) * op(B) + beta * C` (cblas_sgemm / cblas_dgemm).
  static func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Self,
    a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int, beta: Self,
    c: UnsafeMutablePointer<Self>, ldc: Int)
}

/// The elements of a tensor: one contiguous, row-major, copy-on-write array.
public enum TensorStorage: Sendable {
  case float32([Float])
  case float64([Double])

  var dtype: DType {
    switch self {
    case .float32: return .float32
    case .float64: return .float64
    }
  }

  var count: Int {
    switch self {
    case .float32(let a): return a.count
    case .float64(let a): return a.count
    }
  }
}

extension Float: TensorScalar {
  public static var dtype: DType { .float32 }

  public static func unwrap(_ storage: TensorStorage) -> [Float] {
    guard case .float32(let a) = storage else {
      preconditionFailure("Tensor: expected float32 storage, found \(storage.dtype)")
    }
    return a
  }

  public static func wrap(_ array: [Float]) -> TensorStorage { .float32(array) }

  public static func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float,
    c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    cblas_sgemm(
      CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
      blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb), beta, c,
      blasint(ldc))
  }
}

extension Double: TensorScalar {
  public static var dtype: DType { .float64 }

  public static func unwrap(_ storage: TensorStorage) -> [Double] {
    guard case .float64(let a) = storage else {
      preconditionFailure("Tensor: expected float64 storage, found \(storage.dtype)")
    }
    return a
  }

  public static func wrap(_ array: [Double]) -> TensorStorage { .float64(array) }

  public static func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Double,
    a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int, beta: Double,
    c: UnsafeMutablePointer<Double>, ldc: Int
  ) {
    cblas_dgemm(
      CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
      blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb), beta, c,
      blasint(ldc))
  }
}
