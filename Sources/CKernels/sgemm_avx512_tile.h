// The AVX-512 register tile (12 x 32) and its helpers, shared by the float32 kernel
// (sgemm_avx512.c) and the bf16 one (sgemm_avx512_bf16.c); included by each after it defines
// MR, NR, AS, TARGET and
//   TILE_STEPS(kc)   the depth steps of a kc-deep panel (kc, or (kc + 1) / 2 k-pairs for bf16)
//   MADD(c, a, b)    c += a * b for one step (fp32 FMA, or the bf16 pair dot product)
// Each file gets its own copies (static functions with its own TARGET) and instantiates the
// kernels it uses (DEFINE_MICRO_KERNEL and the others below); strided_conv.c takes only the
// helpers (mask_of, transpose16, store_lanes).
#ifndef GRADCAM_SGEMM_AVX512_TILE_H
#define GRADCAM_SGEMM_AVX512_TILE_H

#include <stdint.h>

#include "sgemm_kernels.h"  // PREFETCH_NEXT_A

static inline __mmask16 mask_of(long count) {
  return count >= 16 ? (__mmask16)0xFFFF : count <= 0 ? 0 : (__mmask16)((1u << count) - 1);
}

TARGET static inline void load_strip_row(float *dst, const float *src, long nr) {
  if (nr == NR) {
    _mm512_storeu_ps(dst, _mm512_loadu_ps(src));
    _mm512_storeu_ps(dst + 16, _mm512_loadu_ps(src + 16));
  } else {
    _mm512_storeu_ps(dst, _mm512_maskz_loadu_ps(mask_of(nr), src));
    _mm512_storeu_ps(dst + 16, _mm512_maskz_loadu_ps(mask_of(nr - 16), src + 16));
  }
}

// out[t] = line[t] for lo <= t < hi and 0 elsewhere in [0, len): one run of an image row with the
// padding around it. Lanes outside [lo, hi) are masked, so they are never read.
TARGET static inline void copy_window(float *out, const float *line, long len, long lo, long hi) {
  // len <= NR = 32: both halves' masks from one 32-bit mask of each bound (0 <= lo <= hi <= len).
  uint32_t below_hi = hi >= 32 ? 0xFFFFFFFFu : (1u << hi) - 1, below_lo = lo >= 32 ? 0xFFFFFFFFu : (1u << lo) - 1;
  uint32_t inside = below_hi & ~below_lo, stored = len >= 32 ? 0xFFFFFFFFu : (1u << len) - 1;
  _mm512_mask_storeu_ps(out, (__mmask16)stored, _mm512_maskz_loadu_ps((__mmask16)inside, line));
  if (len > 16)
    _mm512_mask_storeu_ps(out + 16, (__mmask16)(stored >> 16), _mm512_maskz_loadu_ps((__mmask16)(inside >> 16), line + 16));
}

// out[t] = line[2 t] for t < len (len <= NR): a stride-2 run (a stem convolution's), its even
// values gathered by a permute; masked, so nothing past line[2 (len - 1)] is read.
TARGET static inline void copy_even(float *out, const float *line, long len) {
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  for (long t = 0; t < len; t += 16) {
    long span = 2 * (len - t) - 1;  // the floats from line + 2t up to the run's last value
    __m512 lo = _mm512_maskz_loadu_ps(mask_of(span), line + 2 * t);
    __m512 hi = _mm512_maskz_loadu_ps(mask_of(span - 16), line + 2 * t + 16);
    _mm512_mask_storeu_ps(out + t, mask_of(len - t), _mm512_permutex2var_ps(lo, even, hi));
  }
}

// r[i][j] <- r[j][i]: a 16 x 16 block transposed in registers (pairs, then quads, then 128-bit
// lanes twice: 64 shuffles for 256 floats).
TARGET static inline void transpose16(__m512 r[16]) {
  __m512 t[16];
  for (int i = 0; i < 16; i += 2) {
    t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
  }
  for (int i = 0; i < 16; i += 4) {
    __m512d a = _mm512_castps_pd(t[i]), b = _mm512_castps_pd(t[i + 1]);
    __m512d c = _mm512_castps_pd(t[i + 2]), d = _mm512_castps_pd(t[i + 3]);
    r[i] = _mm512_castpd_ps(_mm512_unpacklo_pd(a, c));
    r[i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a, c));
    r[i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(b, d));
    r[i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(b, d));
  }
  for (int i = 0; i < 4; i++) {
    t[i] = _mm512_shuffle_f32x4(r[i], r[i + 4], 0x88);
    t[i + 4] = _mm512_shuffle_f32x4(r[i], r[i + 4], 0xdd);
    t[i + 8] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0x88);
    t[i + 12] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0xdd);
  }
  for (int i = 0; i < 8; i++) {
    r[i] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0x88);
    r[i + 8] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0xdd);
  }
}

// dst[p * NR + j] = src[j * ldb + p] for j < nr, p < kc, and 0 for nr <= j < NR: one strip of a
// transposed B (the driver's PACK_B_TRANSPOSED), by 16 x 16 blocks transposed in registers (the
// scalar copy was a fifth of a ViT attention's time: its keys are packed transposed).
#define PACK_B_TRANSPOSED 1
TARGET static inline void pack_b_transposed(float *dst, const float *src, long ldb, long kc, long nr) {
  for (long j0 = 0; j0 < NR; j0 += 16) {
    for (long p0 = 0; p0 < kc; p0 += 16) {
      __mmask16 m = mask_of(kc - p0);
      __m512 r[16];
      for (long jj = 0; jj < 16; jj++)
        r[jj] = j0 + jj < nr ? _mm512_maskz_loadu_ps(m, src + (j0 + jj) * ldb + p0) : _mm512_setzero_ps();
      transpose16(r);
      for (long pp = 0; pp < 16 && p0 + pp < kc; pp++) _mm512_storeu_ps(dst + (p0 + pp) * NR + j0, r[pp]);
    }
  }
}

// Stores one vector of a tile row: row[lanes of m] = act(alpha * x + beta * row + bias + column
// bias + residual), in that order (bias, column_bias and res may be NULL).
TARGET static inline void store_lanes(float *row, __m512 x, __mmask16 m, __m512 va, float beta, const float *bias,
                                      const __m512 *column_bias, const float *res, int relu) {
  x = _mm512_mul_ps(x, va);
  if (beta != 0) x = _mm512_fmadd_ps(_mm512_set1_ps(beta), _mm512_maskz_loadu_ps(m, row), x);
  if (bias) x = _mm512_add_ps(x, _mm512_set1_ps(*bias));
  if (column_bias) x = _mm512_add_ps(x, *column_bias);
  if (res) x = _mm512_add_ps(x, _mm512_maskz_loadu_ps(m, res));
  if (relu) x = _mm512_max_ps(x, _mm512_setzero_ps());
  _mm512_mask_storeu_ps(row, m, x);
}

// One 12x32 tile (see micro_kernel_fn in sgemm_driver.h). A_AT(i) is where row i of the current
// depth step sits in the packed A strip, A_STEP how far one step moves. A step is one k (float32)
// or one k-pair (bf16), each 4 bytes per row and column of the panels.
#define DEFINE_MICRO_KERNEL(NAME_, A_AT, A_STEP) \
TARGET static void NAME_(long kc, const float *restrict ap, const float *restrict bp, float *restrict c, \
                         long ldc, long mr, long nr, float alpha, float beta, const float *bias,          \
                         const float *column_bias, const float *res, long ldr, int relu) {              \
  ZERO2(0) ZERO2(1) ZERO2(2) ZERO2(3) ZERO2(4) ZERO2(5)                                     \
  ZERO2(6) ZERO2(7) ZERO2(8) ZERO2(9) ZERO2(10) ZERO2(11)                                   \
  TILE_ROWS(PACKED_B, A_AT, A_STEP)                                                         \
  TILE_STORE                                                                                \
}

// One 12x32 tile of a row-major B read in place (the driver's UNPACKED_B): step p's two vectors
// are the 32 columns at bp + p * ldb, the row 8 steps ahead fetched meanwhile. Whole strips only
// (nr == NR: every column is read).
// Meanwhile it fetches the next tile's C rows (next_c, stride ldc) and residual rows (next_r,
// stride ldr; either may be NULL), a line per depth step (see NEXT_TILE_LINES).
#define DEFINE_MICRO_KERNEL_UNPACKED(NAME_, A_AT, A_STEP) \
TARGET static void NAME_(long kc, const float *restrict ap, const float *restrict bp, long ldb,          \
                         float *restrict c, long ldc, long mr, long nr, float alpha, float beta,         \
                         const float *bias, const float *column_bias, const float *res, long ldr, int relu, \
                         const float *next_c, const float *next_r) {                                    \
  ZERO2(0) ZERO2(1) ZERO2(2) ZERO2(3) ZERO2(4) ZERO2(5)                                     \
  ZERO2(6) ZERO2(7) ZERO2(8) ZERO2(9) ZERO2(10) ZERO2(11)                                   \
  TILE_ROWS(UNPACKED_ROW, A_AT, A_STEP)                                                     \
  TILE_STORE                                                                                \
}
#define UNPACKED_ROW                                                                \
  b0 = _mm512_loadu_ps(bp);                                                         \
  b1 = _mm512_loadu_ps(bp + 16);                                                    \
  _mm_prefetch((const char *)(bp + 8 * ldb), _MM_HINT_T0);                          \
  _mm_prefetch((const char *)(bp + 8 * ldb + 31), _MM_HINT_T0);                     \
  NEXT_TILE_LINES                                                                   \
  bp += ldb;
// Steps 0-23 fetch the 24 lines (12 rows of 32 floats) of the next tile's C, steps 24-47 those
// of its residual: a 1x1 convolution's output and shortcut are written and read once, from
// memory, and the tile's stores waited for them.
#define NEXT_TILE_LINES                                                             \
  if (p < 2 * MR) {                                                                 \
    if (next_c) _mm_prefetch((const char *)(next_c + (p >> 1) * ldc + (p & 1) * 16), _MM_HINT_T0); \
  } else if (p < 4 * MR && next_r) {                                                \
    long q = p - 2 * MR;                                                            \
    _mm_prefetch((const char *)(next_r + (q >> 1) * ldr + (q & 1) * 16), _MM_HINT_T0); \
  }

// One 12x32 tile of a direct convolution (see direct_kernel_fn in sgemm_direct_conv.h): depth step p
// reads its two B vectors at offsets[p] from the tile's run starts in the padded image (float32
// only: one step is one k). A tile whose two vectors each lie inside one row of outputs loads
// them plainly; otherwise each vector is two masked runs (the end of a row, the next row's start).
#define DEFINE_DIRECT_KERNEL(NAME_, A_AT, A_STEP) \
TARGET static void NAME_(long kc, const float *restrict ap, const long *restrict offsets,       \
                         const direct_tile *t, float *restrict c, long ldc, long mr, long nr,    \
                         float alpha, float beta, const float *bias, const float *column_bias,   \
                         const float *res, long ldr, int relu) {                                 \
  ZERO2(0) ZERO2(1) ZERO2(2) ZERO2(3) ZERO2(4) ZERO2(5)                                     \
  ZERO2(6) ZERO2(7) ZERO2(8) ZERO2(9) ZERO2(10) ZERO2(11)                                   \
  const float *lo0 = t->start[0], *lo1 = t->start[1], *hi0 = t->next_row[0], *hi1 = t->next_row[1]; \
  if (t->plain) {                                                                           \
    TILE_ROWS(DIRECT_B, A_AT, A_STEP)                                                       \
  } else {                                                                                  \
    __mmask16 l0 = mask_of(t->split[0]), l1 = mask_of(t->split[1]);                        \
    __mmask16 h0 = mask_of(t->lanes[0]) & ~l0, h1 = mask_of(t->lanes[1]) & ~l1;             \
    TILE_ROWS(DIRECT_B_RUNS, A_AT, A_STEP)                                                  \
  }                                                                                         \
  TILE_STORE                                                                                \
}

// The depth loop over the tile's rows: an edge tile of at most 4 or 8 rows (16 channels are
// 12 + 4) runs only those rows. STEP_ is STEP (two vectors per row) or STEP1 (one).
#define TILE_ROWS(LOAD_B, A_AT, A_STEP) TILE_ROWS_OF(STEP, LOAD_B, A_AT, A_STEP)
#define TILE_ROWS_OF(STEP_, LOAD_B, A_AT, A_STEP)                                              \
  if (mr > 8) {                                                                             \
    DEPTH_LOOP(LOAD_B, A_AT, A_STEP, STEP_(0, A_AT) STEP_(1, A_AT) STEP_(2, A_AT) STEP_(3, A_AT)  \
               STEP_(4, A_AT) STEP_(5, A_AT) STEP_(6, A_AT) STEP_(7, A_AT)                  \
               STEP_(8, A_AT) STEP_(9, A_AT) STEP_(10, A_AT) STEP_(11, A_AT))               \
  } else if (mr > 4) {                                                                      \
    DEPTH_LOOP(LOAD_B, A_AT, A_STEP, STEP_(0, A_AT) STEP_(1, A_AT) STEP_(2, A_AT) STEP_(3, A_AT)  \
               STEP_(4, A_AT) STEP_(5, A_AT) STEP_(6, A_AT) STEP_(7, A_AT))                 \
  } else {                                                                                  \
    DEPTH_LOOP(LOAD_B, A_AT, A_STEP, STEP_(0, A_AT) STEP_(1, A_AT) STEP_(2, A_AT) STEP_(3, A_AT)) \
  }

// The tile's store: C = act(alpha * tile + beta * C + bias + column bias + residual), the top-left
// mr x nr corner only.
#define TILE_STORE                                                                          \
  __mmask16 m0 = mask_of(nr), m1 = mask_of(nr - 16);                                        \
  __m512 va = _mm512_set1_ps(alpha), cb0 = _mm512_setzero_ps(), cb1 = cb0;                 \
  if (column_bias) {                                                                        \
    cb0 = _mm512_maskz_loadu_ps(m0, column_bias);                                           \
    cb1 = _mm512_maskz_loadu_ps(m1, column_bias + 16);                                      \
  }                                                                                         \
  STORE(0) STORE(1) STORE(2) STORE(3) STORE(4) STORE(5)                                     \
  STORE(6) STORE(7) STORE(8) STORE(9) STORE(10) STORE(11)

// The depth steps of the tile: two B vectors (LOAD_B), then ROWS (one STEP per row of the tile).
#define DEPTH_LOOP(LOAD_B, A_AT, A_STEP, ROWS)                                      \
  const float *next_a = ap + NEXT_A_STRIP(A_AT);                                    \
  for (long p = 0; p < TILE_STEPS(kc); p++) {                                       \
    __m512 b0, b1 = _mm512_setzero_ps(), a;                                         \
    LOAD_B                                                                          \
    PREFETCH_NEXT_A(next_a, A_AT, p);                                               \
    ROWS                                                                            \
    ap += A_STEP;                                                                   \
  }
// B from a packed strip (NR values per step).
#define PACKED_B                                                                    \
  b0 = _mm512_loadu_ps(bp);                                                         \
  b1 = _mm512_loadu_ps(bp + 16);                                                    \
  _mm_prefetch((const char *)(bp + 8 * NR), _MM_HINT_T0);                           \
  bp += NR;
// The first vector of a packed strip only (a strip of at most 16 columns).
#define PACKED_B1                                                                   \
  b0 = _mm512_loadu_ps(bp);                                                         \
  _mm_prefetch((const char *)(bp + 8 * NR), _MM_HINT_T0);                           \
  bp += NR;
// B from the padded image: each vector one run of a row...
#define DIRECT_B                                                                    \
  b0 = _mm512_loadu_ps(lo0 + offsets[p]);                                           \
  b1 = _mm512_loadu_ps(lo1 + offsets[p]);
// ...or two (lanes [0, split) from this row, [split, lanes) from the next; the rest zero).
#define DIRECT_B_RUNS                                                               \
  b0 = _mm512_mask_loadu_ps(_mm512_maskz_loadu_ps(l0, lo0 + offsets[p]), h0, hi0 + offsets[p]); \
  b1 = _mm512_mask_loadu_ps(_mm512_maskz_loadu_ps(l1, lo1 + offsets[p]), h1, hi1 + offsets[p]);
#define ZERO2(i) __m512 c##i##a = _mm512_setzero_ps(), c##i##b = _mm512_setzero_ps();
#define STEP1(i, A_AT)                            \
  a = _mm512_set1_ps(ap[A_AT(i)]);                \
  c##i##a = MADD(c##i##a, a, b0);
#define STEP(i, A_AT)                             \
  a = _mm512_set1_ps(ap[A_AT(i)]);                \
  c##i##a = MADD(c##i##a, a, b0);                 \
  c##i##b = MADD(c##i##b, a, b1);
#define STORE(i)                                                                  \
  if (i < mr) {                                                                   \
    float *row = c + (long)(i) * ldc;                                             \
    const float *rrow = res ? res + (long)(i) * ldr : NULL;                       \
    store_lanes(row, c##i##a, m0, va, beta, bias ? bias + (i) : NULL, column_bias ? &cb0 : NULL, rrow, relu); \
    store_lanes(row + 16, c##i##b, m1, va, beta, bias ? bias + (i) : NULL, column_bias ? &cb1 : NULL,       \
                rrow ? rrow + 16 : NULL, relu);                                   \
  }
#define STORE1(i)                                                                 \
  if (i < mr) {                                                                   \
    store_lanes(c + (long)(i) * ldc, c##i##a, m0, va, beta, bias ? bias + (i) : NULL,  \
                column_bias ? &cb0 : NULL, res ? res + (long)(i) * ldr : NULL, relu);  \
  }

// One 12x16 tile: the first vector of a strip of at most 16 columns (half the work of a 12x32
// tile there; the same sums in the same order).
#define DEFINE_MICRO_KERNEL_1V(NAME_, A_AT, A_STEP) \
TARGET static void NAME_(long kc, const float *restrict ap, const float *restrict bp, float *restrict c, \
                         long ldc, long mr, long nr, float alpha, float beta, const float *bias,          \
                         const float *column_bias, const float *res, long ldr, int relu) {              \
  __m512 c0a = _mm512_setzero_ps(), c1a = c0a, c2a = c0a, c3a = c0a, c4a = c0a, c5a = c0a; \
  __m512 c6a = c0a, c7a = c0a, c8a = c0a, c9a = c0a, c10a = c0a, c11a = c0a;                \
  TILE_ROWS_OF(STEP1, PACKED_B1, A_AT, A_STEP)                                              \
  __mmask16 m0 = mask_of(nr);                                                               \
  __m512 va = _mm512_set1_ps(alpha), cb0 = _mm512_setzero_ps();                             \
  if (column_bias) cb0 = _mm512_maskz_loadu_ps(m0, column_bias);                           \
  STORE1(0) STORE1(1) STORE1(2) STORE1(3) STORE1(4) STORE1(5)                               \
  STORE1(6) STORE1(7) STORE1(8) STORE1(9) STORE1(10) STORE1(11)                             \
}

#define ROW_MAJOR_A(i) ((i) * AS)
#define DEPTH_MAJOR_A(i) (i)
#define IN_PLACE_A(i) ((i) * lda)

// One 12x32 tile whose A is read in place (the driver's UNPACKED_A: row i of the tile at
// ap + i * lda, all 12 rows present), B packed; meanwhile it fetches the first `ahead` cache lines
// from `next_b` on, one per depth step, into L2, and from the middle of its depth on the 24 lines
// of the next tile's C rows at next_c (stride ldc; NULL: none) (see PACKED_B_AHEAD).
#define DEFINE_MICRO_KERNEL_IN_PLACE_A(NAME_) \
TARGET static void NAME_(long kc, const float *restrict ap, long lda, const float *restrict bp, float *restrict c, \
                         long ldc, long mr, long nr, float alpha, float beta, const float *bias,          \
                         const float *column_bias, const float *res, long ldr, int relu,                \
                         const float *next_b, long ahead, const float *next_c) {                         \
  ZERO2(0) ZERO2(1) ZERO2(2) ZERO2(3) ZERO2(4) ZERO2(5)                                     \
  ZERO2(6) ZERO2(7) ZERO2(8) ZERO2(9) ZERO2(10) ZERO2(11)                                   \
  TILE_ROWS(PACKED_B_AHEAD, IN_PLACE_A, 1)                                                  \
  TILE_STORE                                                                                \
}
// A packed strip's step (PACKED_B), and a line of the strip the driver will read next.
#define PACKED_B_AHEAD                                                              \
  PACKED_B                                                                          \
  if (p < ahead) _mm_prefetch((const char *)(next_b + p * 16), _MM_HINT_T1);       \
  if (next_c && (unsigned long)(p - (kc >> 1)) < 2 * MR)                            \
    _mm_prefetch((const char *)(next_c + ((p - (kc >> 1)) >> 1) * ldc + ((p - (kc >> 1)) & 1) * 16), _MM_HINT_T0);
#endif
