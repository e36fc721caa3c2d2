// SGEMM for AVX-512, in the usual packed-panel form (Goto/BLIS): B is packed into 32-column
// strips, A into 12-row strips, and a 12x32 register tile accumulates one strip pair.
//
// Why hand-written: the workplace pins OpenBLAS to its AVX2 (Haswell) kernels, because the
// OpenBLAS 0.3.21 shipped here is too old for this processor's AVX-512 path; on a processor with
// full-width AVX-512 units that leaves half the floating-point throughput unused. The functions
// carry their own target attribute, so the package needs no compiler flags and still runs (through
// OpenBLAS) on processors without AVX-512: ck_sgemm_available() decides at run time.
#include "CKernels.h"

#if CK_X86_KERNELS  // the whole file; portable.c defines its entry points otherwise

#include <immintrin.h>
#include <stdlib.h>
#include <string.h>

#define MR 12    // rows of the register tile (12 x 2 accumulators + 2 B vectors fit in 32 zmm)
#define NR 32    // columns of the register tile: two 16-float vectors
#define KC 256   // depth of a packed block: a 32-column B strip (32 KB) stays in L1
#define MC 240   // rows of a packed A block (240 KB, in L2)
#define NC 4096  // columns of a packed B block (4 MB, in L3)
#define AS (KC + 16)  // row stride of a packed untransposed A strip (not a multiple of 1 KB: L1 sets)

#define AVX512 __attribute__((target("avx512f,avx512vl,avx512dq,fma")))

int ck_sgemm_available(void) {
  static int cached = -1;
  if (cached < 0) {
    __builtin_cpu_init();
    cached = __builtin_cpu_supports("avx512f") ? 1 : 0;
  }
  return cached;
}

int ck_avx2_available(void) {
  static int cached = -1;
  if (cached < 0) {
    __builtin_cpu_init();
    cached = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? 1 : 0;
  }
  return cached;
}

static long min_l(long a, long b) { return a < b ? a : b; }

// Per-thread packing buffers, grown on demand and kept for the thread's lifetime.
static _Thread_local float *buffer_a, *buffer_b;
static _Thread_local size_t capacity_a, capacity_b;

static float *ensure(float **buffer, size_t *capacity, size_t count) {
  if (*capacity < count) {
    free(*buffer);
    *buffer = aligned_alloc(64, (count * sizeof(float) + 63) / 64 * 64);
    *capacity = *buffer ? count : 0;
  }
  return *buffer;
}

// Packs op(A)[0..<mc, 0..<kc] (a points at its first element) into MR-row strips of MR * AS
// floats, the last strip padded with zero rows. Untransposed A keeps its rows (element (i, p) of a
// strip at i * AS + p: a plain copy, which matters because weights are packed on every call);
// transposed A is stored depth-major (at p * MR + i), again a run of contiguous reads.
static void pack_a(int transA, long mc, long kc, const float *a, long lda, float *dst) {
  for (long ir = 0; ir < mc; ir += MR) {
    long mr = min_l(MR, mc - ir);
    if (transA) {
      for (long p = 0; p < kc; p++) {
        const float *src = a + p * lda + ir;
        float *d = dst + p * MR;
        long i = 0;
        for (; i < mr; i++) d[i] = src[i];
        for (; i < MR; i++) d[i] = 0;
      }
    } else {
      for (long i = 0; i < mr; i++) memcpy(dst + i * AS, a + (ir + i) * lda, (size_t)kc * sizeof(float));
      for (long i = mr; i < MR; i++) memset(dst + i * AS, 0, (size_t)kc * sizeof(float));
    }
    dst += MR * AS;
  }
}

// Packs op(B)[0..<kc, 0..<nc] into NR-column strips, each stored row by row (NR values per step
// of k), the last strip padded with zeros.
AVX512 static void pack_b(int transB, long kc, long nc, const float *b, long ldb, float *dst) {
  for (long jr = 0; jr < nc; jr += NR) {
    long nr = min_l(NR, nc - jr);
    if (!transB && nr == NR) {
      for (long p = 0; p < kc; p++) {
        const float *src = b + p * ldb + jr;
        _mm512_storeu_ps(dst + p * NR, _mm512_loadu_ps(src));
        _mm512_storeu_ps(dst + p * NR + 16, _mm512_loadu_ps(src + 16));
      }
    } else if (!transB) {
      __mmask16 m0 = nr >= 16 ? 0xFFFF : (__mmask16)((1u << nr) - 1);
      __mmask16 m1 = nr > 16 ? (__mmask16)((1u << (nr - 16)) - 1) : 0;
      for (long p = 0; p < kc; p++) {
        const float *src = b + p * ldb + jr;
        _mm512_storeu_ps(dst + p * NR, _mm512_maskz_loadu_ps(m0, src));
        _mm512_storeu_ps(dst + p * NR + 16, _mm512_maskz_loadu_ps(m1, src + 16));
      }
    } else {
      for (long j = 0; j < nr; j++) {
        const float *src = b + (jr + j) * ldb;
        for (long p = 0; p < kc; p++) dst[p * NR + j] = src[p];
      }
      for (long j = nr; j < NR; j++)
        for (long p = 0; p < kc; p++) dst[p * NR + j] = 0;
    }
    dst += NR * kc;
  }
}

// Packs columns [column, column + nc) and rows [row, row + kc) of the im2col matrix of one image
// (rows: channel-major taps (c, i, j); columns: output positions) straight from the image, in
// pack_b's layout, so the convolution never writes its column matrix. Each 32-column strip is cut
// at output-row boundaries into runs that read one input row each.
AVX512 static void pack_b_im2col(const ck_im2col *g, long row, long kc, long column, long nc, float *dst) {
  long taps = g->kH * g->kW, plane = g->inH * g->inW;
  // The tap (c, i, j) of the block's first row; later rows step through it without dividing.
  long c0 = row / taps, i0 = (row % taps) / g->kW, j0 = row % g->kW;
  for (long jr = 0; jr < nc; jr += NR) {
    long nr = min_l(NR, nc - jr);
    // Runs of the strip: first strip column, length, and the input row/column of tap (0, 0).
    long run_t[NR], run_len[NR], run_ih[NR], run_iw[NR], runs = 0;
    for (long t = 0; t < nr;) {
      long q = column + jr + t, oh = q / g->outW, ow = q % g->outW;
      long len = min_l(nr - t, g->outW - ow);
      run_t[runs] = t;
      run_len[runs] = len;
      run_ih[runs] = oh * g->strideH - g->padH;
      run_iw[runs] = ow * g->strideW - g->padW;
      runs++;
      t += len;
    }
    long c = c0, i = i0, j = j0;
    for (long p = 0; p < kc; p++) {
      const float *src = g->x + c * plane;
      float *d = dst + p * NR;
      long di = i * g->dilationH, dj = j * g->dilationW;
      for (long u = 0; u < runs; u++) {
        float *out = d + run_t[u];
        long len = run_len[u], ih = run_ih[u] + di, iw0 = run_iw[u] + dj;
        if (ih < 0 || ih >= g->inH) {
          for (long t = 0; t < len; t++) out[t] = 0;
        } else if (g->strideW == 1 && iw0 >= 0 && iw0 + len <= g->inW) {
          const float *line = src + ih * g->inW + iw0;
          long t = 0;
          for (; t + 16 <= len; t += 16) _mm512_storeu_ps(out + t, _mm512_loadu_ps(line + t));
          if (t < len) {
            __mmask16 m = (__mmask16)((1u << (len - t)) - 1);
            _mm512_mask_storeu_ps(out + t, m, _mm512_maskz_loadu_ps(m, line + t));
          }
        } else {
          const float *line = src + ih * g->inW;
          for (long t = 0; t < len; t++) {
            long iw = iw0 + t * g->strideW;
            out[t] = iw >= 0 && iw < g->inW ? line[iw] : 0;
          }
        }
      }
      for (long t = nr; t < NR; t++) d[t] = 0;
      if (++j == g->kW) {
        j = 0;
        if (++i == g->kH) { i = 0; c++; }
      }
    }
    dst += NR * kc;
  }
}

// One 12x32 tile: C = act(alpha * Ap * Bp + beta * C + bias + residual), storing only the top-left
// mr x nr corner (the padding rows and columns of the packed panels are zeros). A_AT(i) is where
// row i of the current depth step sits in the packed A strip, A_STEP how far one step moves.
#define DEFINE_MICRO_KERNEL(NAME, A_AT, A_STEP) \
AVX512 static void NAME(long kc, const float *restrict ap, const float *restrict bp,       \
                        float *restrict c, long ldc, long mr, long nr, float alpha,         \
                        float beta, const float *bias, const float *res, long ldr, int relu) { \
  ZERO2(0) ZERO2(1) ZERO2(2) ZERO2(3) ZERO2(4) ZERO2(5)                                     \
  ZERO2(6) ZERO2(7) ZERO2(8) ZERO2(9) ZERO2(10) ZERO2(11)                                   \
  for (long p = 0; p < kc; p++) {                                                           \
    __m512 b0 = _mm512_loadu_ps(bp), b1 = _mm512_loadu_ps(bp + 16), a;                        \
    _mm_prefetch((const char *)(bp + 8 * NR), _MM_HINT_T0);                                 \
    STEP(0, A_AT) STEP(1, A_AT) STEP(2, A_AT) STEP(3, A_AT) STEP(4, A_AT) STEP(5, A_AT)     \
    STEP(6, A_AT) STEP(7, A_AT) STEP(8, A_AT) STEP(9, A_AT) STEP(10, A_AT) STEP(11, A_AT)   \
    ap += A_STEP;                                                                           \
    bp += NR;                                                                               \
  }                                                                                         \
  __mmask16 m0 = nr >= 16 ? 0xFFFF : (__mmask16)((1u << nr) - 1);                           \
  __mmask16 m1 = nr >= 32 ? 0xFFFF : nr > 16 ? (__mmask16)((1u << (nr - 16)) - 1) : 0;      \
  __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta), zero = _mm512_setzero_ps(); \
  STORE(0) STORE(1) STORE(2) STORE(3) STORE(4) STORE(5)                                     \
  STORE(6) STORE(7) STORE(8) STORE(9) STORE(10) STORE(11)                                   \
}

#define ZERO2(i) __m512 c##i##a = _mm512_setzero_ps(), c##i##b = _mm512_setzero_ps();
#define STEP(i, A_AT)                             \
  a = _mm512_set1_ps(ap[A_AT(i)]);                \
  c##i##a = _mm512_fmadd_ps(a, b0, c##i##a);      \
  c##i##b = _mm512_fmadd_ps(a, b1, c##i##b);
#define STORE(i)                                                                  \
  if (i < mr) {                                                                   \
    float *row = c + (long)(i) * ldc;                                             \
    __m512 x0 = _mm512_mul_ps(c##i##a, va), x1 = _mm512_mul_ps(c##i##b, va);      \
    if (beta != 0) {                                                              \
      x0 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m0, row), x0);              \
      x1 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m1, row + 16), x1);         \
    }                                                                             \
    if (bias) {                                                                   \
      __m512 bb = _mm512_set1_ps(bias[i]);                                        \
      x0 = _mm512_add_ps(x0, bb);                                                 \
      x1 = _mm512_add_ps(x1, bb);                                                 \
    }                                                                             \
    if (res) {                                                                    \
      const float *rrow = res + (long)(i) * ldr;                                  \
      x0 = _mm512_add_ps(x0, _mm512_maskz_loadu_ps(m0, rrow));                    \
      x1 = _mm512_add_ps(x1, _mm512_maskz_loadu_ps(m1, rrow + 16));               \
    }                                                                             \
    if (relu) {                                                                   \
      x0 = _mm512_max_ps(x0, zero);                                               \
      x1 = _mm512_max_ps(x1, zero);                                               \
    }                                                                             \
    _mm512_mask_storeu_ps(row, m0, x0);                                           \
    _mm512_mask_storeu_ps(row + 16, m1, x1);                                      \
  }
#define ROW_MAJOR_A(i) ((i) * AS)
#define DEPTH_MAJOR_A(i) (i)
DEFINE_MICRO_KERNEL(micro_kernel_rows, ROW_MAJOR_A, 1)
DEFINE_MICRO_KERNEL(micro_kernel_depth, DEPTH_MAJOR_A, MR)
#undef ZERO2
#undef STEP
#undef STORE

// C = act(beta * C + bias + residual) for an empty product (k == 0).
static void scale_only(long m, long n, float beta, float *c, long ldc, const ck_epilogue *e) {
  for (long i = 0; i < m; i++) {
    float *row = c + i * ldc;
    for (long j = 0; j < n; j++) {
      float v = (beta == 0 ? 0 : beta * row[j]) + (e->bias ? e->bias[i] : 0);
      if (e->residual) v += e->residual[i * e->ldr + j];
      row[j] = e->relu && v < 0 ? 0 : v;
    }
  }
}

// The depth blocking, shared by the driver and the prepacking functions: even blocks of at most
// KC, so the last one is not a sliver.
static long depth_step(long k) {
  long kblocks = (k + KC - 1) / KC;
  return (k + kblocks - 1) / kblocks;
}

long ck_sgemm_packed_a_size(long m, long k) {
  long step = depth_step(k), kblocks = (k + step - 1) / step, strips = (m + MR - 1) / MR;
  return kblocks * strips * MR * AS;
}

long ck_sgemm_packed_b_size(long k, long n) {
  long strips = (n + NR - 1) / NR;
  return strips * NR * k;
}

// Prepacked A: for every depth block, all its MR-row strips (MR * AS floats each) in order.
static const float *prepacked_a_block(const ck_packed *packed, long pc, long kc_step, long row) {
  long strips = (packed->count + MR - 1) / MR;
  return packed->data + ((pc / kc_step) * strips + (packed->offset + row) / MR) * MR * AS;
}

// Prepacked B: for every depth block (of depth kc), all its NR-column strips (NR * kc each).
static const float *prepacked_b_block(const ck_packed *packed, long pc, long kc, long column) {
  long strips = (packed->count + NR - 1) / NR;
  return packed->data + strips * NR * pc + ((packed->offset + column) / NR) * NR * kc;
}

void ck_sgemm_pack_a(long m, long k, const float *a, long lda, float *dst) {
  long step = depth_step(k), strips = (m + MR - 1) / MR;
  for (long pc = 0; pc < k; pc += step) {
    long kc = min_l(step, k - pc);
    for (long s = 0; s < strips; s++) {
      float *strip = dst + ((pc / step) * strips + s) * MR * AS;
      memset(strip, 0, (size_t)MR * AS * sizeof(float));
      pack_a(0, min_l(MR, m - s * MR), kc, a + s * MR * lda + pc, lda, strip);
    }
  }
}

void ck_sgemm_pack_b(int transB, long k, long n, const float *b, long ldb, float *dst) {
  long step = depth_step(k), strips = (n + NR - 1) / NR;
  for (long pc = 0; pc < k; pc += step) {
    long kc = min_l(step, k - pc);
    pack_b(transB, kc, n, transB ? b + pc : b + pc * ldb, ldb, dst + strips * NR * pc);
  }
}

// The blocked product behind every entry point. B comes from b, from packed_b, or (im2col set)
// from an image through its im2col matrix, starting at column column0.
static void sgemm_driver(int transA, int transB, long m, long n, long k, float alpha,
                         const float *a, long lda, const ck_packed *packed_a, const float *b,
                         long ldb, const ck_packed *packed_b, const ck_im2col *im2col,
                         long column0, float beta, float *c, long ldc,
                         const ck_epilogue *epilogue) {
  if (m <= 0 || n <= 0) return;
  const ck_epilogue none = {NULL, NULL, 0, 0};
  const ck_epilogue *e = epilogue ? epilogue : &none;
  if (k <= 0) {
    scale_only(m, n, beta, c, ldc, e);
    return;
  }
  long kc_step = depth_step(k);
  float *pa = packed_a ? NULL : ensure(&buffer_a, &capacity_a, (size_t)MC * AS);
  float *pb = packed_b ? NULL : ensure(&buffer_b, &capacity_b, (size_t)KC * NC);
  if ((!packed_a && !pa) || (!packed_b && !pb)) abort();  // out of memory for 4 MB
  // A prepacked A is always row-major within its strips; a transposed one never is.
  int rows_a = packed_a || !transA;
  for (long jc = 0; jc < n; jc += NC) {
    long nc = min_l(NC, n - jc);
    for (long pc = 0; pc < k; pc += kc_step) {
      long kc = min_l(kc_step, k - pc);
      int last = pc + kc >= k;
      float be = pc == 0 ? beta : 1.0f;
      const float *bblock = pb;
      if (packed_b)
        bblock = prepacked_b_block(packed_b, pc, kc, jc);
      else if (im2col)
        pack_b_im2col(im2col, pc, kc, column0 + jc, nc, pb);
      else
        pack_b(transB, kc, nc, transB ? b + jc * ldb + pc : b + pc * ldb + jc, ldb, pb);
      for (long ic = 0; ic < m; ic += MC) {
        long mc = min_l(MC, m - ic);
        const float *ablock = pa;
        if (packed_a)
          ablock = prepacked_a_block(packed_a, pc, kc_step, ic);
        else
          pack_a(transA, mc, kc, transA ? a + pc * lda + ic : a + ic * lda + pc, lda, pa);
        for (long jr = 0; jr < nc; jr += NR) {
          for (long ir = 0; ir < mc; ir += MR) {
            (rows_a ? micro_kernel_rows : micro_kernel_depth)(
                kc, ablock + ir * AS, bblock + jr * kc, c + (ic + ir) * ldc + jc + jr, ldc,
                min_l(MR, mc - ir), min_l(NR, nc - jr), alpha, be,
                last && e->bias ? e->bias + ic + ir : NULL,
                last && e->residual ? e->residual + (ic + ir) * e->ldr + jc + jr : NULL, e->ldr,
                last && e->relu);
          }
        }
      }
    }
  }
}

void ck_sgemm_packed(int transA, int transB, long m, long n, long k, float alpha, const float *a,
                     long lda, const ck_packed *packed_a, const float *b, long ldb,
                     const ck_packed *packed_b, float beta, float *c, long ldc,
                     const ck_epilogue *epilogue) {
  sgemm_driver(transA, transB, m, n, k, alpha, a, lda, packed_a, b, ldb, packed_b, NULL, 0, beta, c,
               ldc, epilogue);
}

void ck_sgemm_conv(long m, long n, long k, float alpha, const float *a, long lda,
                   const ck_packed *packed_a, const ck_im2col *im2col, long column0, float beta,
                   float *c, long ldc, const ck_epilogue *epilogue) {
  sgemm_driver(0, 0, m, n, k, alpha, a, lda, packed_a, NULL, 0, NULL, im2col, column0, beta, c, ldc,
               epilogue);
}

void ck_sgemm(int transA, int transB, long m, long n, long k, float alpha, const float *a,
              long lda, const float *b, long ldb, float beta, float *c, long ldc,
              const float *bias, int relu) {
  ck_epilogue e = {bias, NULL, 0, relu};
  ck_sgemm_packed(transA, transB, m, n, k, alpha, a, lda, NULL, b, ldb, NULL, beta, c, ldc, &e);
}

#endif  // CK_X86_KERNELS
