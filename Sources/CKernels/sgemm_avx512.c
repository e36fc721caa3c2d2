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
DEFINE_MICRO_KERNEL(micro_kernel_rows, ROW_MAJOR_A, 1)
DEFINE_MICRO_KERNEL(micro_kernel_depth, DEPTH_MAJOR_A, MR)
DEFINE_DIRECT_KERNEL(direct_kernel_rows, ROW_MAJOR_A, 1)
DEFINE_DIRECT_KERNEL(direct_kernel_depth, DEPTH_MAJOR_A, MR)
DEFINE_MICRO_KERNEL_1V(micro_kernel_rows_1v, ROW_MAJOR_A, 1)
#define UNPACKED_A 1  // whole row tiles of an untransposed A read in place against a prepacked B
DEFINE_MICRO_KERNEL_IN_PLACE_A(micro_kernel_in_place_a)
#define UNPACKED_B 1  // whole strips of a plain B read in place (the driver's unpacked_b_fits)
DEFINE_MICRO_KERNEL_UNPACKED(micro_kernel_unpacked_rows, ROW_MAJOR_A, 1)
DEFINE_MICRO_KERNEL_UNPACKED(micro_kernel_unpacked_depth, DEPTH_MAJOR_A, MR)

// Strips narrower than the tile (the last strip of 49 columns, a 7x7 map, is 17 wide; of 196,
// 4): a 12x32 tile there spends a whole vector of FMAs per row on one to four columns. Up to
// TAIL_COLUMNS columns are dot products along the depth instead (rows of A against the columns
// of B, both contiguous), up to 16 one 12x16 tile, and 16 plus a few both.
#define NARROW_STRIPS 1
#define TAIL_COLUMNS 4

// sums[r][j] = A row r (of 6, from ap on) . column j of the tail (bt + j * KC), for j < T.
TARGET static inline __attribute__((always_inline)) void tail_dots(const int T, long kc, const float *ap,
                                                                   const float *bt, float sums[6][TAIL_COLUMNS]) {
  __m512 acc[6][TAIL_COLUMNS];
  for (int r = 0; r < 6; r++)
    for (int j = 0; j < T; j++) acc[r][j] = _mm512_setzero_ps();
  for (long p = 0; p < kc; p += 16) {
    __mmask16 m = mask_of(kc - p);
    __m512 b[TAIL_COLUMNS];
    for (int j = 0; j < T; j++) b[j] = _mm512_maskz_loadu_ps(m, bt + j * KC + p);
    for (int r = 0; r < 6; r++) {
      __m512 a = _mm512_maskz_loadu_ps(m, ap + r * AS + p);
      for (int j = 0; j < T; j++) acc[r][j] = _mm512_fmadd_ps(a, b[j], acc[r][j]);
    }
  }
  for (int r = 0; r < 6; r++)
    for (int j = 0; j < T; j++) sums[r][j] = _mm512_reduce_add_ps(acc[r][j]);
}

// Columns [0, t) of C for the mr rows of one row-major A strip, t <= TAIL_COLUMNS, each row's
// sums stored by the tile's own store (store_lanes) on t lanes.
TARGET static void tail_tile(long t, long kc, const float *ap, const float *bt, float *c, long ldc, long mr,
                             float alpha, float beta, const float *bias, const float *column_bias, const float *res,
                             long ldr, int relu) {
  __mmask16 m = mask_of(t);
  __m512 va = _mm512_set1_ps(alpha), cb = column_bias ? _mm512_maskz_loadu_ps(m, column_bias) : _mm512_setzero_ps();
  for (long r0 = 0; r0 < mr; r0 += 6) {
    float sums[6][TAIL_COLUMNS];
    const float *a = ap + r0 * AS;
    switch (t) {
      case 1: tail_dots(1, kc, a, bt, sums); break;
      case 2: tail_dots(2, kc, a, bt, sums); break;
      case 3: tail_dots(3, kc, a, bt, sums); break;
      default: tail_dots(4, kc, a, bt, sums); break;
    }
    for (long r = 0; r < 6 && r0 + r < mr; r++) {
      long i = r0 + r;
      store_lanes(c + i * ldc, _mm512_maskz_loadu_ps(m, sums[r]), m, va, beta, bias ? bias + i : NULL,
                  column_bias ? &cb : NULL, res ? res + i * ldr : NULL, relu);
    }
  }
}

// One packed B strip of nr < NR columns against the mc rows of a row-major A block (the driver's
// loop over row tiles, with its arguments at row 0 of the block). Returns 0, doing nothing, when
// the strip is wide enough for the full tile (more than 16 + TAIL_COLUMNS columns).
TARGET static int narrow_strip(long kc, const float *ablock, long mc, const float *bp, float *c, long ldc, long nr,
                               float alpha, float beta, const float *bias, const float *column_bias,
                               const float *res, long ldr, int relu) {
  long vector = nr <= TAIL_COLUMNS ? 0 : nr <= 16 ? nr : 16, tail = nr - vector;
  if (tail > TAIL_COLUMNS) return 0;
  float bt[TAIL_COLUMNS * KC];  // the tail columns, each contiguous along the depth
  for (long j = 0; j < tail; j++)
    for (long p = 0; p < kc; p++) bt[j * KC + p] = bp[p * NR + vector + j];
  for (long ir = 0; ir < mc; ir += MR) {
    long mr = mc - ir < MR ? mc - ir : MR;
    const float *ap = ablock + ir * AS, *b = bias ? bias + ir : NULL, *r = res ? res + ir * ldr : NULL;
    float *ct = c + ir * ldc;
    if (vector) micro_kernel_rows_1v(kc, ap, bp, ct, ldc, mr, vector, alpha, beta, b, column_bias, r, ldr, relu);
    if (tail)
      tail_tile(tail, kc, ap, bt, ct + vector, ldc, mr, alpha, beta, b, column_bias ? column_bias + vector : NULL,
                r ? r + vector : NULL, ldr, relu);
  }
  return 1;
}

#include "sgemm_driver.h"

#endif  // CK_X86_KERNELS
