internal import CKernels
import Foundation

/// The precision of the process's float32 matrix products (convolutions, linear layers,
/// attention, Winograd's 16 products, and the backward pass's products), chosen once per process
/// before the first model is loaded: packed weights are laid out for it.
///
/// `fp32` (the default) multiplies float32 operands. `bf16` (opt-in, `--precision bf16`) rounds
/// both operands of every package-kernel product to bfloat16 (8 significant bits, nearest even)
/// and accumulates in float32 with AVX512-BF16's vdpbf16ps; it needs that instruction set and the
/// package's AVX-512 kernel, and is refused (``problem(for:)``), never silently replaced, without
/// them. Everything else (elementwise ops, normalisation, softmax, the epilogue) stays float32.
public enum ComputePrecision: String, Sendable, CaseIterable {
  case fp32, bf16

  nonisolated(unsafe) private static var chosen = ComputePrecision.fp32

  /// The precision products run at in this process.
  public static var current: ComputePrecision { chosen }

  /// The precision as the JSON outputs state it: "bf16", or nil at fp32 (the default, not stated).
  public static var stated: String? { current == .bf16 ? "bf16" : nil }

  /// What a figure's subtitle adds, so a bf16 figure is never taken for a float32 one: empty
  /// for fp32 (the default), "; bf16 products" for bf16.
  public static var figureNote: String { stated.map { "; \($0) products" } ?? "" }

  /// Why `precision` cannot run in this process (one line), or nil.
  public static func problem(for precision: ComputePrecision) -> String? {
    guard precision == .bf16 else { return nil }
    if GEMMKernel.selected == .blas, KernelISA.selected != .baseline {
      return "--precision bf16 needs the package's AVX-512 kernel, but GRADCAM_GEMM=blas sends products to OpenBLAS"
    }
    if KernelISA.selected != .avx512 {
      let why = KernelISA.detected == .avx512 ? "\(KernelISA.variable)=\(KernelISA.selected.rawValue) selects the \(KernelISA.selected.rawValue) kernels"
        : "this processor (or build) has no AVX-512 kernels (its best is \(KernelISA.detected.rawValue))"
      return "--precision bf16 needs AVX-512 with AVX512-BF16, but \(why)"
    }
    if ck_sgemm_level_available(CK_SGEMM_AVX512_BF16) != 1 {
      return "--precision bf16 needs AVX512-BF16 (vdpbf16ps), which this processor does not have"
    }
    return nil
  }

  /// Makes `precision` the process's precision; returns the problem (and changes nothing) when it
  /// cannot run here. Call before loading a model: weights packed earlier keep their layout, and
  /// a product given them at another precision stops the process.
  @discardableResult
  public static func select(_ precision: ComputePrecision) -> String? {
    if let problem = problem(for: precision) { return problem }
    chosen = precision
    return nil
  }
}
