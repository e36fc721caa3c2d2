// SGEMM with bf16 operands on AVX512-BF16 (the opt-in `--precision bf16`): the shared driver
// (sgemm_driver.h) and AVX-512 tile (sgemm_avx512_tile.h), with A and B rounded to bf16 as they
// are packed and each step of the tile one vdpbf16ps: 32 bf16 products of a k-pair summed into
// 16 float32 lanes, twice the float32 FMA's multiplications per instruction. C, the epilogue and
// all accumulation stay float32.
//
// The panels keep the float32 layout's blocking, sizes and offsets (so the driver is unchanged):
// each strip is packed as float32, then rewritten in place as bf16 k-pairs in its first half
// (finish_a_strip / finish_b_strip). A k-pair is one 32-bit word, (x[2q], x[2q + 1]) rounded to
// nearest even, the missing x[kc] of an odd depth zero: B's pair q of column j at word q * NR + j,
// row-major A's pair q of row i at word i * AS + q, depth-major A's at word q * MR + i, so the
// tile walks pairs exactly as the float32 tile walks k. vdpbf16ps treats bf16 subnormal inputs
// as zero and flushes subnormal results.
#include "CKernels.h"

#if CK_X86_KERNELS  // the whole file; portable.c defines the entry points otherwise

#include <immintrin.h>
#include <stdint.h>

#define MR 12    // the float32 AVX-512 kernel's tile and blocking (sgemm_avx512.c)
#define NR 32
#define KC 256
#define MC 240
#define NC 4096
#define AS (KC + 16)
#define TARGET __attribute__((target("avx512f,avx512vl,avx512dq,avx512bw,avx512bf16,fma")))
#define PREPACKED_A_DEPTH_MAJOR 0
#define NAME(x) avx512_bf16_##x

#define TILE_STEPS(kc) (((kc) + 1) / 2)
#define MADD(c, a, b) _mm512_dpbf16_ps(c, (__m512bh)(a), (__m512bh)(b))

#include "sgemm_avx512_tile.h"
DEFINE_MICRO_KERNEL(micro_kernel_rows, ROW_MAJOR_A, 1)
DEFINE_MICRO_KERNEL(micro_kernel_depth, DEPTH_MAJOR_A, MR)

// Words 2j and 2j + 1 = lo[j] and hi[j] rounded to bf16 (nearest even; NaN stays NaN), j < 16:
// one k-pair of 16 columns.
TARGET static inline __m512i pair_words(__m512 lo, __m512 hi) {
  static const uint16_t interleave[32] = {0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23,
                                          8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31};
  __m512i halves = (__m512i)_mm512_cvtne2ps_pbh(hi, lo);  // words 0-15 from lo, 16-31 from hi
  return _mm512_permutexvar_epi16(_mm512_loadu_si512(interleave), halves);
}

// A panel of `width` floats per k (x[p][j] at p * width + j) rewritten in place as k-pairs (word
// q * width + j). Pair q's words land at or before where rows 2q and 2q + 1 were, and each
// 16-column group is loaded before it is stored, so nothing is overwritten before it is read.
TARGET static void pair_rows_in_place(float *panel, long width, long kc) {
  for (long q = 0; q < (kc + 1) / 2; q++) {
    const float *r0 = panel + 2 * q * width, *r1 = r0 + width;
    int second = 2 * q + 1 < kc;
    for (long j = 0; j < width; j += 16) {
      __mmask16 m = mask_of(width - j);
      __m512 lo = _mm512_maskz_loadu_ps(m, r0 + j);
      __m512 hi = second ? _mm512_maskz_loadu_ps(m, r1 + j) : _mm512_setzero_ps();
      _mm512_mask_storeu_epi32(panel + q * width + j, m, pair_words(lo, hi));
    }
  }
}

// A row of kc floats rewritten in place as kc bf16 values (then a zero when kc is odd): its
// k-pairs in order. The 64 bytes stored per 32 values lie before the next values read.
TARGET static void round_row_in_place(float *row, long kc) {
  uint16_t *out = (uint16_t *)row;
  long words = kc + (kc & 1);
  for (long t = 0; t < kc; t += 32) {
    __m512 lo = _mm512_maskz_loadu_ps(mask_of(kc - t), row + t);
    __m512 hi = _mm512_maskz_loadu_ps(mask_of(kc - t - 16), row + t + 16);
    __mmask32 m = words - t >= 32 ? (__mmask32)0xFFFFFFFFu : (__mmask32)((1u << (words - t)) - 1);
    _mm512_mask_storeu_epi16(out + t, m, (__m512i)_mm512_cvtne2ps_pbh(hi, lo));
  }
}

TARGET static void bf16_finish_a_strip(float *strip, int depth_major, long kc) {
  if (depth_major) {
    pair_rows_in_place(strip, MR, kc);
  } else {
    for (long i = 0; i < MR; i++) round_row_in_place(strip + i * AS, kc);
  }
}

#define finish_a_strip(strip, depth_major, kc) bf16_finish_a_strip(strip, depth_major, kc)
#define finish_b_strip(strip, kc) pair_rows_in_place(strip, NR, kc)

#include "sgemm_driver.h"

#endif  // CK_X86_KERNELS
