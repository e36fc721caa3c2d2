// SGEMM for AVX2 + FMA: the shared packed-panel driver (sgemm_driver.h) with a 6x16 register tile
// (12 ymm accumulators, two B vectors and one broadcast A value: 15 of the 16 registers). The
// tile divides the AVX-512 kernel's 12x32, so the Swift side's block edges and packed-operand
// offsets (multiples of 12 rows and 32 columns) hold for both.
//
// Why hand-written: OpenBLAS's sgemm repacks the weights on every call, needs im2col's column
// matrix written out and a separate pass for bias, residual and ReLU; this kernel takes
// prepacked weights, reads convolution inputs in place and applies the epilogue in its store.
#include "CKernels.h"

#if CK_X86_KERNELS  // the whole file; portable.c defines the entry points otherwise

#include <immintrin.h>

#define MR 6     // rows of the register tile
#define NR 16    // columns of the register tile: two 8-float vectors
#define KC 256   // depth of a packed block: a 16-column B strip (16 KB) stays in L1
#define MC 240   // rows of a packed A block (255 KB, in L2)
#define NC 4096  // columns of a packed B block (4 MB, in L3)
#define AS (KC + 16)  // row stride of a packed untransposed A strip (not a multiple of 1 KB: L1 sets)
#define TARGET __attribute__((target("avx2,fma")))
#define PREPACKED_A_DEPTH_MAJOR 1
#define NAME(x) avx2_##x
#define DIRECT_CONV 1  // stride-1 convolutions read the padded image (sgemm_direct_conv.h)

#include "sgemm_kernels.h"

// Lanes [0, count) set, for masked loads and stores of a partial 8-float vector.
TARGET static inline __m256i mask_of(long count) {
  long n = count < 0 ? 0 : count > 8 ? 8 : count;
  return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

TARGET static inline void load_strip_row(float *dst, const float *src, long nr) {
  if (nr == NR) {
    _mm256_storeu_ps(dst, _mm256_loadu_ps(src));
    _mm256_storeu_ps(dst + 8, _mm256_loadu_ps(src + 8));
  } else {
    _mm256_storeu_ps(dst, _mm256_maskload_ps(src, mask_of(nr)));
    _mm256_storeu_ps(dst + 8, _mm256_maskload_ps(src + 8, mask_of(nr - 8)));
  }
}

// out[t] = line[t] for lo <= t < hi and 0 elsewhere in [0, len): one run of an image row with the
// padding around it. Lanes outside [lo, hi) are masked, so they are never read.
TARGET static inline void copy_window(float *out, const float *line, long len, long lo, long hi) {
  long t = 0;
  for (; t + 8 <= len; t += 8) {
    __m256 v = t >= lo && t + 8 <= hi ? _mm256_loadu_ps(line + t)
                                      : _mm256_maskload_ps(line + t, _mm256_andnot_si256(mask_of(lo - t), mask_of(hi - t)));
    _mm256_storeu_ps(out + t, v);
  }
  for (; t < len; t++) out[t] = t >= lo && t < hi ? line[t] : 0;
}

// out[t] = line[2 t] for t < len: a stride-2 run, copied value by value.
TARGET static inline void copy_even(float *out, const float *line, long len) {
  for (long t = 0; t < len; t++) out[t] = line[2 * t];
}

// The next A strip's prefetch (PREFETCH_NEXT_A, sgemm_kernels.h) for depth-major strips only:
// here those are the prepacked weights, read from memory, where it pays (ResNet-50's 7x7 layers
// with cold weights: 1.77 -> 1.64 ms). A row-major strip is packed per call from the caller's
// activations and is in cache already; the prefetch's address arithmetic in the 12-FMA step cost
// ViT-S's linear layers 2-3% (sgemm_shapes, SGEMM_LEVEL=avx2, on an AMD EPYC).
#define AVX2_PREFETCH_NEXT_A(next_a, A_AT, p) \
  if (A_AT(1) == 1) PREFETCH_NEXT_A(next_a, A_AT, p)

// One 6x16 tile (see micro_kernel_fn in sgemm_driver.h). A_AT(i) is where row i of the current
// depth step sits in the packed A strip, A_STEP how far one step moves. Full-width tiles load
// and store plainly; edge tiles (nr < 16) through lane masks.
#define DEFINE_MICRO_KERNEL(NAME_, A_AT, A_STEP) \
TARGET static void NAME_(long kc, const float *restrict ap, const float *restrict bp, float *restrict c, \
                         long ldc, long mr, long nr, float alpha, float beta, const float *bias,          \
                         const float *column_bias, const float *res, long ldr, int relu) {              \
  ZERO2(0) ZERO2(1) ZERO2(2) ZERO2(3) ZERO2(4) ZERO2(5)                                     \
  const float *next_a = ap + MR * AS;                                                      \
  if (nr > 8) {                                                                             \
    for (long p = 0; p < kc; p++) {                                                         \
      __m256 b0 = _mm256_loadu_ps(bp), b1 = _mm256_loadu_ps(bp + 8), a;                       \
      _mm_prefetch((const char *)(bp + 8 * NR), _MM_HINT_T0);                               \
      AVX2_PREFETCH_NEXT_A(next_a, A_AT, p);                                                \
      STEP(0, A_AT) STEP(1, A_AT) STEP(2, A_AT) STEP(3, A_AT) STEP(4, A_AT) STEP(5, A_AT)   \
      ap += A_STEP;                                                                         \
      bp += NR;                                                                             \
    }                                                                                       \
  } else {                                                                                  \
    /* A strip's last 8 columns are all padding (a 7x7 map's 49 = 3 x 16 + 1): skip them. */ \
    for (long p = 0; p < kc; p++) {                                                         \
      __m256 b0 = _mm256_loadu_ps(bp), a;                                                   \
      _mm_prefetch((const char *)(bp + 8 * NR), _MM_HINT_T0);                               \
      AVX2_PREFETCH_NEXT_A(next_a, A_AT, p);                                                \
      HALF(0, A_AT) HALF(1, A_AT) HALF(2, A_AT) HALF(3, A_AT) HALF(4, A_AT) HALF(5, A_AT)   \
      ap += A_STEP;                                                                         \
      bp += NR;                                                                             \
    }                                                                                       \
  }                                                                                         \
  TILE_STORE                                                                                \
}

// One 6x16 tile of a direct convolution (see direct_kernel_fn in sgemm_direct_conv.h): depth
// step p reads its two B vectors at offsets[p] from the tile's run starts in the padded image. A
// tile whose two vectors each lie inside one row of outputs loads them plainly; otherwise each
// vector is two masked runs (the end of a row, the next row's start). An edge tile of at most 4
// rows runs only 4 (CIFAR's 16, 32 and 64 channels end in a tile of 4, 2 and 4 rows: computing
// 6 there cost 11% of the product on 16 channels, sgemm_shapes on an AMD EPYC).
#define DEFINE_DIRECT_KERNEL(NAME_, A_AT, A_STEP) \
TARGET static void NAME_(long kc, const float *restrict ap, const long *restrict offsets,       \
                         const direct_tile *t, float *restrict c, long ldc, long mr, long nr,    \
                         float alpha, float beta, const float *bias, const float *column_bias,   \
                         const float *res, long ldr, int relu) {                                 \
  ZERO2(0) ZERO2(1) ZERO2(2) ZERO2(3) ZERO2(4) ZERO2(5)                                     \
  const float *lo0 = t->start[0], *lo1 = t->start[1], *hi0 = t->next_row[0], *hi1 = t->next_row[1]; \
  if (t->plain) {                                                                           \
    DIRECT_ROWS(PLAIN_B, A_AT, A_STEP)                                                      \
  } else {                                                                                  \
    __m256i l0 = mask_of(t->split[0]), l1 = mask_of(t->split[1]);                           \
    __m256i h0 = _mm256_andnot_si256(l0, mask_of(t->lanes[0]));                             \
    __m256i h1 = _mm256_andnot_si256(l1, mask_of(t->lanes[1]));                             \
    DIRECT_ROWS(RUNS_B, A_AT, A_STEP)                                                       \
  }                                                                                         \
  TILE_STORE                                                                                \
}

// The depth loop of a direct tile over 6 rows, or 4 for an edge tile of at most 4.
#define DIRECT_ROWS(LOAD_B, A_AT, A_STEP)                                                   \
  if (mr > 4) {                                                                             \
    DIRECT_LOOP(LOAD_B, A_AT, A_STEP, STEP(0, A_AT) STEP(1, A_AT) STEP(2, A_AT) STEP(3, A_AT)     \
                STEP(4, A_AT) STEP(5, A_AT))                                                \
  } else {                                                                                  \
    DIRECT_LOOP(LOAD_B, A_AT, A_STEP, STEP(0, A_AT) STEP(1, A_AT) STEP(2, A_AT) STEP(3, A_AT))    \
  }
#define DIRECT_LOOP(LOAD_B, A_AT, A_STEP, ROWS) \
  const float *next_a = ap + MR * AS;           \
  for (long p = 0; p < kc; p++) {               \
    __m256 b0, b1, a;                           \
    LOAD_B                                      \
    AVX2_PREFETCH_NEXT_A(next_a, A_AT, p);      \
    ROWS                                  \
    ap += A_STEP;                         \
  }
// Step p's two B vectors: plain loads, or each the OR of its two masked runs.
#define PLAIN_B                                  \
  b0 = _mm256_loadu_ps(lo0 + offsets[p]);        \
  b1 = _mm256_loadu_ps(lo1 + offsets[p]);
#define RUNS_B                                                                      \
  long o = offsets[p];                                                              \
  b0 = _mm256_or_ps(_mm256_maskload_ps(lo0 + o, l0), _mm256_maskload_ps(hi0 + o, h0)); \
  b1 = _mm256_or_ps(_mm256_maskload_ps(lo1 + o, l1), _mm256_maskload_ps(hi1 + o, h1));

// The tile's store: C = act(alpha * tile + beta * C + bias + column bias + residual), the top-left
// mr x nr corner only.
#define TILE_STORE                                                                          \
  int full = nr == NR;                                                                      \
  __m256i m0 = mask_of(nr), m1 = mask_of(nr - 8);                                           \
  __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta), zero = _mm256_setzero_ps(); \
  __m256 cb0 = zero, cb1 = zero;                                                            \
  if (column_bias) {                                                                        \
    cb0 = full ? _mm256_loadu_ps(column_bias) : _mm256_maskload_ps(column_bias, m0);        \
    cb1 = full ? _mm256_loadu_ps(column_bias + 8) : _mm256_maskload_ps(column_bias + 8, m1); \
  }                                                                                         \
  STORE(0) STORE(1) STORE(2) STORE(3) STORE(4) STORE(5)

#define ZERO2(i) __m256 c##i##a = _mm256_setzero_ps(), c##i##b = _mm256_setzero_ps();
#define STEP(i, A_AT)                             \
  a = _mm256_broadcast_ss(ap + A_AT(i));          \
  c##i##a = _mm256_fmadd_ps(a, b0, c##i##a);      \
  c##i##b = _mm256_fmadd_ps(a, b1, c##i##b);
#define HALF(i, A_AT)                             \
  a = _mm256_broadcast_ss(ap + A_AT(i));          \
  c##i##a = _mm256_fmadd_ps(a, b0, c##i##a);
#define LOAD0(p) (full ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, m0))
#define LOAD1(p) (full ? _mm256_loadu_ps((p) + 8) : _mm256_maskload_ps((p) + 8, m1))
#define STORE(i)                                                                  \
  if (i < mr) {                                                                   \
    float *row = c + (long)(i) * ldc;                                             \
    __m256 x0 = _mm256_mul_ps(c##i##a, va), x1 = _mm256_mul_ps(c##i##b, va);      \
    if (beta != 0) {                                                              \
      x0 = _mm256_fmadd_ps(vb, LOAD0(row), x0);                                   \
      x1 = _mm256_fmadd_ps(vb, LOAD1(row), x1);                                   \
    }                                                                             \
    if (bias) {                                                                   \
      __m256 bb = _mm256_set1_ps(bias[i]);                                        \
      x0 = _mm256_add_ps(x0, bb);                                                 \
      x1 = _mm256_add_ps(x1, bb);                                                 \
    }                                                                             \
    if (column_bias) {                                                            \
      x0 = _mm256_add_ps(x0, cb0);                                                \
      x1 = _mm256_add_ps(x1, cb1);                                                \
    }                                                                             \
    if (res) {                                                                    \
      const float *rrow = res + (long)(i) * ldr;                                  \
      x0 = _mm256_add_ps(x0, LOAD0(rrow));                                        \
      x1 = _mm256_add_ps(x1, LOAD1(rrow));                                        \
    }                                                                             \
    if (relu) {                                                                   \
      x0 = _mm256_max_ps(x0, zero);                                               \
      x1 = _mm256_max_ps(x1, zero);                                               \
    }                                                                             \
    if (full) {                                                                   \
      _mm256_storeu_ps(row, x0);                                                  \
      _mm256_storeu_ps(row + 8, x1);                                              \
    } else {                                                                      \
      _mm256_maskstore_ps(row, m0, x0);                                           \
      _mm256_maskstore_ps(row + 8, m1, x1);                                       \
    }                                                                             \
  }
#define ROW_MAJOR_A(i) ((i) * AS)
#define DEPTH_MAJOR_A(i) (i)
DEFINE_MICRO_KERNEL(micro_kernel_rows, ROW_MAJOR_A, 1)
DEFINE_MICRO_KERNEL(micro_kernel_depth, DEPTH_MAJOR_A, MR)
DEFINE_DIRECT_KERNEL(direct_kernel_rows, ROW_MAJOR_A, 1)
DEFINE_DIRECT_KERNEL(direct_kernel_depth, DEPTH_MAJOR_A, MR)

#include "sgemm_driver.h"

#endif  // CK_X86_KERNELS
