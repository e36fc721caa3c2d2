// SGEMM for AVX-512: the shared packed-panel driver (sgemm_driver.h) with a 12x32 register tile.
//
// Why hand-written: the workplace pins OpenBLAS to its AVX2 (Haswell) kernels, because the
// OpenBLAS 0.3.21 shipped here is too old for this processor's AVX-512 path; on a processor with
// full-width AVX-512 units that leaves half the floating-point throughput unused. The functions
// carry their own target attribute, so the package needs no compiler flags and still runs on
// processors without AVX-512: sgemm.c picks the kernel from the level its caller names.
#include "CKernels.h"

#if CK_X86_KERNELS  // the whole file; portable.c defines the entry points otherwise

#include <immintrin.h>

#define MR 12    // rows of the register tile (12 x 2 accumulators + 2 B vectors fit in 32 zmm)
#define NR 32    // columns of the register tile: two 16-float vectors
#define KC 256   // depth of a packed block: a 32-column B strip (32 KB) stays in L1
#define MC 240   // rows of a packed A block (240 KB, in L2)
#define NC 4096  // columns of a packed B block (4 MB, in L3)
#define AS (KC + 16)  // row stride of a packed untransposed A strip (not a multiple of 1 KB: L1 sets)
#define TARGET __attribute__((target("avx512f,avx512vl,avx512dq,fma")))
#define PREPACKED_A_DEPTH_MAJOR 0
#define NAME(x) avx512_##x

#define TILE_STEPS(kc) (kc)
#define MADD(c, a, b) _mm512_fmadd_ps(a, b, c)

#define DIRECT_CONV 1  // stride-1 convolutions read the padded image (sgemm_direct_conv.h)

#include "sgemm_kernels.h"
#include "sgemm_avx512_tile.h"
DEFINE_DIRECT_KERNEL(direct_kernel_rows, ROW_MAJOR_A, 1)
DEFINE_DIRECT_KERNEL(direct_kernel_depth, DEPTH_MAJOR_A, MR)
#include "sgemm_driver.h"

#endif  // CK_X86_KERNELS
