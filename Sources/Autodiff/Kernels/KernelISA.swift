internal import CKernels
import Foundation

/// The instruction-set level the float32 kernels run at, chosen once per process: the best the
/// processor has, or lower when the environment variable `GRADCAM_ISA` asks for it, so the AVX2
/// path (the AVX2 sgemm kernel, the Swift elementwise kernels, the AVX2 depthwise kernels) can be
/// measured and tested on an AVX-512 machine too.
///
/// `GRADCAM_ISA`: unset, empty or `auto` (the processor's best), `avx512`, `avx2`. Asking for a
/// level the processor does not have, or another word, is an error (``problem``); the kernels then
/// run at the processor's best. `GRADCAM_GEMM=blas` still sends products to OpenBLAS at any level.
public enum KernelISA: String, Sendable, CaseIterable {
  /// The package's AVX-512 kernels (sgemm, implicit im2col, Winograd, GELU, softmax).
  case avx512
  /// No AVX-512 kernels: the AVX2 + FMA sgemm kernel (implicit im2col, no Winograd), the Swift
  /// paths and the AVX2 depthwise kernels.
  case avx2
  /// Neither (another architecture, or a build with GRADCAM_NO_X86_KERNELS): OpenBLAS and Swift.
  case baseline

  /// The environment variable that lowers the level.
  public static let variable = "GRADCAM_ISA"

  /// The best level this processor (and this build) supports.
  public static var detected: KernelISA {
    ck_sgemm_available() == 1 ? .avx512 : ck_avx2_available() == 1 ? .avx2 : .baseline
  }

  /// The level for a `GRADCAM_ISA` value on a processor whose best level is `detected`, and a
  /// one-line problem when the value is not usable (the level is then `detected`).
  public static func resolve(_ request: String?, detected: KernelISA) -> (isa: KernelISA, problem: String?) {
    let word = (request ?? "").trimmingCharacters(in: .whitespaces).lowercased()
    if word.isEmpty || word == "auto" { return (detected, nil) }
    guard let wanted = KernelISA(rawValue: word), wanted != .baseline else {
      return (detected, "\(variable)=\(request ?? "") is not one of auto, avx512, avx2")
    }
    guard wanted.rank <= detected.rank else {
      return (detected, "\(variable)=\(word): this processor (or build) has no \(wanted.title) kernels (its best is \(detected.rawValue))")
    }
    return (wanted, nil)
  }

  private static let resolved = resolve(ProcessInfo.processInfo.environment[variable], detected: detected)

  /// The level the kernels run at in this process.
  public static var selected: KernelISA { resolved.isa }

  /// Why `GRADCAM_ISA` was not followed, or nil (the command line reports it as an error).
  public static var problem: String? { resolved.problem }

  /// One line for benchmark headers: the level, why, and the float32 product kernel.
  public static var summary: String {
    let request = ProcessInfo.processInfo.environment[variable].map { ", \(variable)=\($0)" } ?? ""
    return "kernels: \(selected.rawValue) (processor: \(detected.rawValue)\(request)); float32 products: \(GEMMKernel.name)"
  }

  private var rank: Int {
    switch self {
    case .baseline: 0
    case .avx2: 1
    case .avx512: 2
    }
  }

  private var title: String {
    switch self {
    case .baseline: "baseline"
    case .avx2: "AVX2"
    case .avx512: "AVX-512"
    }
  }
}
