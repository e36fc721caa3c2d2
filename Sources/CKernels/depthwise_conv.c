// Depthwise convolution planes (one input channel per output channel, dilation 1): forward,
// input gradient and weight gradient, vectorised with AVX2 + FMA along output columns, with a
// portable scalar path for other processors.
//
// Each input plane is first copied into a zero-padded scratch buffer whose columns are split into
// `strideW` phases: padded column q goes to phase q % strideW, position q / strideW. Tap j of
// output column ow then reads phase j % strideW at position ow + j / strideW, so every stride
// reads contiguous vectors, any (asymmetric) padding is only a matter of where the plane is
// copied, and the loops need no bounds checks: phases carry zeroed slack past the last vector.
#include "CKernels.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#define AVX2 __attribute__((target("avx2,fma")))
#endif

#define VW 8  // floats per AVX2 vector

// Per-thread scratch, grown on demand and kept for the thread's lifetime (as the SGEMM buffers).
static _Thread_local float *scratch;
static _Thread_local long scratch_size;

typedef struct {
  long rows;   // padded rows held: every row a tap reads, and every input row
  long phase;  // floats per phase row (a multiple of VW)
  float *p;    // rows * strideW * phase floats
} padded;

static long max_l(long a, long b) { return a > b ? a : b; }

// The scratch layout for a geometry; aborts if memory cannot be had (as the SGEMM buffers).
static padded layout(const ck_depthwise *g) {
  padded s;
  s.rows = max_l((g->outH - 1) * g->strideH + g->kH, g->padTop + g->inH);
  long vectors = (g->outW + VW - 1) / VW * VW;
  long width = max_l(vectors + (g->kW - 1) / g->strideW, (g->padLeft + g->inW + g->strideW - 1) / g->strideW);
  s.phase = (width + VW - 1) / VW * VW + VW;
  long need = s.rows * g->strideW * s.phase;
  if (need > scratch_size) {
    free(scratch);
    scratch = aligned_alloc(64, (size_t)need * sizeof(float));
    if (!scratch) abort();
    scratch_size = need;
  }
  s.p = scratch;
  return s;
}

static inline float *phase_row(const ck_depthwise *g, const padded *s, long row, long column) {
  return s->p + (row * g->strideW + column % g->strideW) * s->phase + column / g->strideW;
}

// Copies input row `line` into padded row r of the scratch (to_scratch), or back out of it,
// phase by phase: the input columns of one phase are every strideW-th, from the first whose
// padded column falls in it, so the loops step without dividing.
static void copy_row(const ck_depthwise *g, const padded *s, long r, float *line, int to_scratch) {
  long sw = g->strideW;
  if (sw == 1) {
    float *row = phase_row(g, s, r, g->padLeft);
    if (to_scratch) memcpy(row, line, (size_t)g->inW * sizeof(float));
    else memcpy(line, row, (size_t)g->inW * sizeof(float));
    return;
  }
  for (long ph = 0; ph < sw; ph++) {
    long first = ((ph - g->padLeft) % sw + sw) % sw;  // first input column of this phase
    if (first >= g->inW) continue;
    float *d = phase_row(g, s, r, first + g->padLeft);
    if (to_scratch) for (long iw = first; iw < g->inW; iw += sw) *d++ = line[iw];
    else for (long iw = first; iw < g->inW; iw += sw) line[iw] = *d++;
  }
}

#if defined(__x86_64__)
static int avx2_available(void);
AVX2 static void fill_row_stride2_avx2(const ck_depthwise *g, const padded *s, long r, const float *line);
#endif

// Copies plane x into the scratch at (padTop, padLeft), zeros everywhere else.
static void fill(const ck_depthwise *g, const padded *s, const float *x) {
  memset(s->p, 0, (size_t)(s->rows * g->strideW * s->phase) * sizeof(float));
#if defined(__x86_64__)
  if (g->strideW == 2 && !g->portable && avx2_available()) {
    for (long ih = 0; ih < g->inH; ih++) fill_row_stride2_avx2(g, s, ih + g->padTop, x + ih * g->inW);
    return;
  }
#endif
  for (long ih = 0; ih < g->inH; ih++) copy_row(g, s, ih + g->padTop, (float *)(x + ih * g->inW), 1);
}

// The scalar loops: the reference layout for the vector ones, and the path for other processors.
static void forward_scalar(const ck_depthwise *g, const padded *s, const float *w, float bias, float *out) {
  for (long oh = 0; oh < g->outH; oh++) {
    float *o = out + oh * g->outW;
    for (long ow = 0; ow < g->outW; ow++) o[ow] = bias;
    for (long i = 0; i < g->kH; i++) {
      for (long j = 0; j < g->kW; j++) {
        const float *p = phase_row(g, s, oh * g->strideH + i, j);
        float wt = w[i * g->kW + j];
        for (long ow = 0; ow < g->outW; ow++) o[ow] += wt * p[ow];
      }
    }
  }
}

static void input_grad_scalar(const ck_depthwise *g, const padded *s, const float *gout, const float *w) {
  for (long oh = 0; oh < g->outH; oh++) {
    const float *go = gout + oh * g->outW;
    for (long i = 0; i < g->kH; i++) {
      for (long j = 0; j < g->kW; j++) {
        float *p = phase_row(g, s, oh * g->strideH + i, j);
        float wt = w[i * g->kW + j];
        for (long ow = 0; ow < g->outW; ow++) p[ow] += wt * go[ow];
      }
    }
  }
}

static void weight_grad_scalar(const ck_depthwise *g, const padded *s, const float *gout, float *dw) {
  for (long i = 0; i < g->kH; i++) {
    for (long j = 0; j < g->kW; j++) {
      float acc = 0;
      for (long oh = 0; oh < g->outH; oh++) {
        const float *p = phase_row(g, s, oh * g->strideH + i, j);
        const float *go = gout + oh * g->outW;
        for (long ow = 0; ow < g->outW; ow++) acc += go[ow] * p[ow];
      }
      dw[i * g->kW + j] += acc;
    }
  }
}

#if defined(__x86_64__)
static int avx2_available(void) {
  static int cached = -1;
  if (cached < 0) {
    __builtin_cpu_init();
    cached = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? 1 : 0;
  }
  return cached;
}

// Lanes [0, n) of a vector, n in 1...8.
AVX2 static inline __m256i lanes(long n) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

// copy_row into the scratch for stride 2: 16 input columns at a time split into their even and
// odd columns, which go to the phases their padded columns fall in.
AVX2 static void fill_row_stride2_avx2(const ck_depthwise *g, const padded *s, long r, const float *line) {
  // Input column 0 is padded column padLeft: evens follow it, odds the other phase.
  float *even = phase_row(g, s, r, g->padLeft), *odd = phase_row(g, s, r, g->padLeft + 1);
  long iw = 0;
  for (; iw + 16 <= g->inW; iw += 16) {
    __m256 a = _mm256_loadu_ps(line + iw), b = _mm256_loadu_ps(line + iw + 8);
    __m256 e = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0)), o = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1));
    _mm256_storeu_ps(even + iw / 2, _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(e), _MM_SHUFFLE(3, 1, 2, 0))));
    _mm256_storeu_ps(odd + iw / 2, _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(o), _MM_SHUFFLE(3, 1, 2, 0))));
  }
  for (; iw < g->inW; iw++) (iw % 2 ? odd : even)[iw / 2] = line[iw];
}

// Offsets in the scratch of every tap (i, j) of output row 0; row oh adds oh * row_step(g, s).
// Computed once per plane, so the loops below never divide.
static void tap_offsets(const ck_depthwise *g, const padded *s, long *offset) {
  for (long i = 0; i < g->kH; i++)
    for (long j = 0; j < g->kW; j++)
      offset[i * g->kW + j] = (i * g->strideW + j % g->strideW) * s->phase + j / g->strideW;
}

static inline long row_step(const ck_depthwise *g, const padded *s) { return g->strideH * g->strideW * s->phase; }

// Four output rows at a time, one vector of columns each: the four accumulators are independent
// (a tap's FMA does not wait for the previous tap's), and each tap's weight is broadcast once for
// 32 outputs, however narrow the rows (EfficientNet's last stages are 7 and 14 columns wide). The
// last vector of a row is stored masked (the scratch slack keeps its loads in bounds).
AVX2 static void forward_avx2(const ck_depthwise *g, const padded *s, const float *w, float bias, float *out) {
  long taps = g->kH * g->kW, step = row_step(g, s);
  long offset[taps];
  tap_offsets(g, s, offset);
  __m256 wv[taps];
  for (long t = 0; t < taps; t++) wv[t] = _mm256_broadcast_ss(w + t);
  const __m256 b = _mm256_set1_ps(bias);
  long oh = 0;
  for (long next = 0; g->outH >= 4 && next < g->outH; next += 4) {
    // The last block ends at the last row, overlapping the one before (its rows are computed
    // twice, identically): narrow planes then never take the one-row loop's latency-bound path.
    oh = next + 4 <= g->outH ? next : g->outH - 4;
    const float *p = s->p + oh * step;
    float *o = out + oh * g->outW;
    for (long ow = 0; ow < g->outW; ow += VW) {
      __m256 a0 = b, a1 = b, a2 = b, a3 = b;
      for (long t = 0; t < taps; t++) {
        const float *q = p + offset[t] + ow;
        a0 = _mm256_fmadd_ps(wv[t], _mm256_loadu_ps(q), a0);
        a1 = _mm256_fmadd_ps(wv[t], _mm256_loadu_ps(q + step), a1);
        a2 = _mm256_fmadd_ps(wv[t], _mm256_loadu_ps(q + 2 * step), a2);
        a3 = _mm256_fmadd_ps(wv[t], _mm256_loadu_ps(q + 3 * step), a3);
      }
      if (ow + VW <= g->outW) {
        _mm256_storeu_ps(o + ow, a0);
        _mm256_storeu_ps(o + g->outW + ow, a1);
        _mm256_storeu_ps(o + 2 * g->outW + ow, a2);
        _mm256_storeu_ps(o + 3 * g->outW + ow, a3);
      } else {
        __m256i m = lanes(g->outW - ow);
        _mm256_maskstore_ps(o + ow, m, a0);
        _mm256_maskstore_ps(o + g->outW + ow, m, a1);
        _mm256_maskstore_ps(o + 2 * g->outW + ow, m, a2);
        _mm256_maskstore_ps(o + 3 * g->outW + ow, m, a3);
      }
    }
    oh += 4;
  }
  for (; oh < g->outH; oh++) {
    const float *p = s->p + oh * step;
    float *o = out + oh * g->outW;
    for (long ow = 0; ow < g->outW; ow += VW) {
      __m256 a = b;
      for (long t = 0; t < taps; t++) a = _mm256_fmadd_ps(wv[t], _mm256_loadu_ps(p + offset[t] + ow), a);
      if (ow + VW <= g->outW) _mm256_storeu_ps(o + ow, a);
      else _mm256_maskstore_ps(o + ow, lanes(g->outW - ow), a);
    }
  }
}

// Scatters each output row's gradient into the padded scratch, tap by tap; a row's last vector
// is read masked (zeros past the row), so the slack only ever receives zeros.
AVX2 static void input_grad_avx2(const ck_depthwise *g, const padded *s, const float *gout, const float *w) {
  long taps = g->kH * g->kW, step = row_step(g, s);
  long offset[taps];
  tap_offsets(g, s, offset);
  float *tap[taps];
  for (long oh = 0; oh < g->outH; oh++) {
    for (long t = 0; t < taps; t++) tap[t] = s->p + oh * step + offset[t];
    const float *go = gout + oh * g->outW;
    for (long ow = 0; ow < g->outW; ow += VW) {
      __m256 gv = ow + VW <= g->outW ? _mm256_loadu_ps(go + ow) : _mm256_maskload_ps(go + ow, lanes(g->outW - ow));
      for (long t = 0; t < taps; t++) {
        float *p = tap[t] + ow;
        _mm256_storeu_ps(p, _mm256_fmadd_ps(_mm256_broadcast_ss(w + t), gv, _mm256_loadu_ps(p)));
      }
    }
  }
}

AVX2 static float sum8(__m256 v) {
  __m128 h = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  h = _mm_add_ps(h, _mm_movehl_ps(h, h));
  h = _mm_add_ss(h, _mm_movehdup_ps(h));
  return _mm_cvtss_f32(h);
}

// One tap at a time: the dot product of the output gradient with the tap's shifted input.
AVX2 static void weight_grad_avx2(const ck_depthwise *g, const padded *s, const float *gout, float *dw) {
  for (long i = 0; i < g->kH; i++) {
    for (long j = 0; j < g->kW; j++) {
      __m256 a0 = _mm256_setzero_ps(), a1 = a0;
      for (long oh = 0; oh < g->outH; oh++) {
        const float *p = phase_row(g, s, oh * g->strideH + i, j);
        const float *go = gout + oh * g->outW;
        long ow = 0;
        for (; ow + 2 * VW <= g->outW; ow += 2 * VW) {
          a0 = _mm256_fmadd_ps(_mm256_loadu_ps(go + ow), _mm256_loadu_ps(p + ow), a0);
          a1 = _mm256_fmadd_ps(_mm256_loadu_ps(go + ow + VW), _mm256_loadu_ps(p + ow + VW), a1);
        }
        for (; ow < g->outW; ow += VW) {
          __m256 gv = ow + VW <= g->outW ? _mm256_loadu_ps(go + ow) : _mm256_maskload_ps(go + ow, lanes(g->outW - ow));
          a0 = _mm256_fmadd_ps(gv, _mm256_loadu_ps(p + ow), a0);
        }
      }
      dw[i * g->kW + j] += sum8(_mm256_add_ps(a0, a1));
    }
  }
}
#endif

static int use_vector(const ck_depthwise *g) {
#if defined(__x86_64__)
  return !g->portable && avx2_available();
#else
  (void)g;
  return 0;
#endif
}

void ck_depthwise_forward(const ck_depthwise *g, const float *x, const float *w, float bias, float *out) {
  padded s = layout(g);
  fill(g, &s, x);
#if defined(__x86_64__)
  if (use_vector(g)) {
    forward_avx2(g, &s, w, bias, out);
    return;
  }
#endif
  forward_scalar(g, &s, w, bias, out);
}

void ck_depthwise_input_grad(const ck_depthwise *g, const float *gout, const float *w, float *dx) {
  if (g->strideH == 1 && g->strideW == 1 && g->padTop < g->kH && g->padLeft < g->kW) {
    // Stride 1: the input gradient is the output gradient, padded by the kernel size minus the
    // forward padding, correlated with the flipped kernel: the forward loops (register-blocked,
    // each output written once) instead of a scatter that reads and writes every tap's row.
    long taps = g->kH * g->kW;
    float flipped[taps];
    for (long t = 0; t < taps; t++) flipped[t] = w[taps - 1 - t];
    ck_depthwise transposed = {
      .inH = g->outH, .inW = g->outW, .kH = g->kH, .kW = g->kW, .strideH = 1, .strideW = 1,
      .padTop = g->kH - 1 - g->padTop, .padLeft = g->kW - 1 - g->padLeft, .outH = g->inH, .outW = g->inW,
      .portable = g->portable};
    ck_depthwise_forward(&transposed, gout, flipped, 0, dx);
    return;
  }
  padded s = layout(g);
  memset(s.p, 0, (size_t)(s.rows * g->strideW * s.phase) * sizeof(float));
#if defined(__x86_64__)
  if (use_vector(g)) input_grad_avx2(g, &s, gout, w);
  else input_grad_scalar(g, &s, gout, w);
#else
  input_grad_scalar(g, &s, gout, w);
#endif
  // The input's part of the padded gradient; what fell on the padding is dropped.
  for (long ih = 0; ih < g->inH; ih++) copy_row(g, &s, ih + g->padTop, dx + ih * g->inW, 0);
}

void ck_depthwise_weight_grad(const ck_depthwise *g, const float *gout, const float *x, float *dw) {
  padded s = layout(g);
  fill(g, &s, x);
#if defined(__x86_64__)
  if (use_vector(g)) {
    weight_grad_avx2(g, &s, gout, dw);
    return;
  }
#endif
  weight_grad_scalar(g, &s, gout, dw);
}
