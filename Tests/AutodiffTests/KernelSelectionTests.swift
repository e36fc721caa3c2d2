import Autodiff
import CKernels
import Foundation
import XCTest

/// The x86-64 kernels (AVX-512, AVX2) are chosen only when they are compiled in. The portable CI step
/// builds with them compiled out (`-Xcc -DGRADCAM_NO_X86_KERNELS`) and sets
/// `GRADCAM_EXPECT_NO_X86_KERNELS=1`, so this test proves the flag took effect and that every
/// product then runs on OpenBLAS; the regular build on x86-64 must have them compiled in.
final class KernelSelectionTests: XCTestCase {
  func testX86KernelsAreUsedOnlyWhenCompiledIn() {
    let expectPortable = ProcessInfo.processInfo.environment["GRADCAM_EXPECT_NO_X86_KERNELS"] == "1"
    #if arch(x86_64)
    XCTAssertEqual(CK_X86_KERNELS, expectPortable ? 0 : 1, "GRADCAM_EXPECT_NO_X86_KERNELS=\(expectPortable)")
    #else
    XCTAssertEqual(CK_X86_KERNELS, 0, "the x86-64 kernels are compiled only for x86-64")
    #endif
    if CK_X86_KERNELS == 0 {
      XCTAssertEqual(ck_sgemm_available(), 0)
      XCTAssertFalse(GEMMKernel.useAVX512)
      XCTAssertFalse(GEMMKernel.usesPackageKernel)
      XCTAssertEqual(ck_sgemm_level_available(CK_SGEMM_AVX2), 0)
      XCTAssertEqual(GEMMKernel.name, "OpenBLAS sgemm")
      XCTAssertNil(PackedWeights(convolutionWeight: Tensor.uniform([4, 3, 3, 3], low: -1, high: 1, seed: 1)))
    }
  }
}
