import Autodiff
import CKernels
import Foundation
import XCTest

/// `GRADCAM_ISA` lowers the kernels' instruction-set level (KernelISA): `avx2` turns the AVX-512
/// kernels off on an AVX-512 processor; a level the processor lacks, or another word, is refused.
final class KernelISATests: XCTestCase {
  func testAutoAndUnsetTakeTheProcessorsBest() {
    for isa in KernelISA.allCases {
      for request in [nil, "", "auto", " AUTO "] {
        let r = KernelISA.resolve(request, detected: isa)
        XCTAssertEqual(r.isa, isa)
        XCTAssertNil(r.problem)
      }
    }
  }

  func testAVX2IsForcedOnAnAVX512Processor() {
    let r = KernelISA.resolve("avx2", detected: .avx512)
    XCTAssertEqual(r.isa, .avx2)
    XCTAssertNil(r.problem)
    XCTAssertEqual(KernelISA.resolve("avx512", detected: .avx512).isa, .avx512)
    XCTAssertEqual(KernelISA.resolve("avx2", detected: .avx2).isa, .avx2)
  }

  func testALevelTheProcessorLacksIsAProblem() {
    let r = KernelISA.resolve("avx512", detected: .avx2)
    XCTAssertEqual(r.isa, .avx2)
    XCTAssertEqual(r.problem, "GRADCAM_ISA=avx512: this processor (or build) has no AVX-512 kernels (its best is avx2)")
    XCTAssertEqual(KernelISA.resolve("avx2", detected: .baseline).isa, .baseline)
    XCTAssertNotNil(KernelISA.resolve("avx2", detected: .baseline).problem)
  }

  func testAnUnknownWordIsAProblem() {
    for word in ["avx", "sse4", "baseline", "avx-512"] {
      let r = KernelISA.resolve(word, detected: .avx512)
      XCTAssertEqual(r.isa, .avx512)
      XCTAssertEqual(r.problem, "GRADCAM_ISA=\(word) is not one of auto, avx512, avx2")
    }
  }

  /// This process's choice agrees with the processor, the environment and the GEMM switch.
  func testThisProcessFollowsTheEnvironment() {
    let env = ProcessInfo.processInfo.environment
    let expected = KernelISA.resolve(env["GRADCAM_ISA"], detected: KernelISA.detected)
    XCTAssertEqual(KernelISA.selected, expected.isa)
    XCTAssertEqual(KernelISA.detected == .avx512, ck_sgemm_available() == 1)
    XCTAssertEqual(GEMMKernel.useAVX512, KernelISA.selected == .avx512 && env["GRADCAM_GEMM"] != "blas")
    let blas = env["GRADCAM_GEMM"] == "blas" || KernelISA.selected == .baseline
    XCTAssertEqual(GEMMKernel.selected, blas ? .blas : KernelISA.selected == .avx512 ? .avx512 : .avx2)
    XCTAssertEqual(GEMMKernel.usesPackageKernel, !blas)
    XCTAssertEqual(GEMMKernel.name, ["avx512": "gradcam AVX-512 sgemm", "avx2": "gradcam AVX2 sgemm", "blas": "OpenBLAS sgemm"][GEMMKernel.selected.rawValue])
    XCTAssertTrue(KernelISA.summary.hasPrefix("kernels: \(KernelISA.selected.rawValue) (processor: \(KernelISA.detected.rawValue)"))
  }
}
