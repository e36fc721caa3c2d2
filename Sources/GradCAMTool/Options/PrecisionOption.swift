import ArgumentParser
import Autodiff
import Foundation

/// `--precision fp32|bf16` (commands that run a model): the precision of the model's matrix
/// products (``ComputePrecision``). It is chosen while the command line is checked, before any
/// model is loaded (packed weights take its layout); bf16 where it cannot run (no AVX512-BF16,
/// GRADCAM_ISA=avx2, GRADCAM_GEMM=blas) is a one-line error, never a quiet fall back to fp32.
struct PrecisionOption: ParsableArguments {
  @Option(help: ArgumentHelp(
    "Matrix products in fp32 or bf16 (operands rounded to bfloat16, sums in float32, on AVX512-BF16 processors only; about 1.5x faster than fp32 on AMD Zen 4, slower on Intel Xeons without AMX; maps and logits change slightly: docs/performance.md).",
    valueName: "fp32|bf16"))
  var precision: ComputePrecision = .fp32

  func validate() throws {
    if let problem = ComputePrecision.select(precision) { throw CLIError(problem) }
  }
}

extension ComputePrecision: ExpressibleByArgument {}
