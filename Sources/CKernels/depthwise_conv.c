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

// Copies plane x into the scratch at (padTop, padLeft), zeros everywhere else.
static void fill(const ck_depthwise *g, const padded *s, const float *x) {
  memset(s->p, 0, (size_t)(s->rows * g->strideW * s->phase) * sizeof(float));
  for (long ih = 0; ih < g->inH; ih++) {
    const float *line = x + ih * g->inW;
    long r = ih + g->padTop;
    if (g->strideW == 1) {
      memcpy(phase_row(g, s, r, g->padLeft), line, (size_t)g->inW * sizeof(float));
    } else {
      for (long iw = 0; iw < g->inW; iw++) *phase_row(g, s, r, iw + g->padLeft) = line[iw];
    }
  }
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

// Four output vectors at a time, so each tap's weight is broadcast once per 32 outputs; the
// last vector of a row is stored masked (the scratch slack keeps its loads in bounds).
AVX2 static void forward_avx2(const ck_depthwise *g, const padded *s, const float *w, float bias, float *out) {
  long taps = g->kH * g->kW;
  const float *tap[taps];
  for (long oh = 0; oh < g->outH; oh++) {
    for (long t = 0; t < taps; t++) tap[t] = phase_row(g, s, oh * g->strideH + t / g->kW, t % g->kW);
    float *o = out + oh * g->outW;
    long ow = 0;
    for (; ow + 4 * VW <= g->outW; ow += 4 * VW) {
      __m256 a0 = _mm256_set1_ps(bias), a1 = a0, a2 = a0, a3 = a0;
      for (long t = 0; t < taps; t++) {
        const float *p = tap[t] + ow;
        __m256 wt = _mm256_broadcast_ss(w + t);
        a0 = _mm256_fmadd_ps(wt, _mm256_loadu_ps(p), a0);
        a1 = _mm256_fmadd_ps(wt, _mm256_loadu_ps(p + VW), a1);
        a2 = _mm256_fmadd_ps(wt, _mm256_loadu_ps(p + 2 * VW), a2);
        a3 = _mm256_fmadd_ps(wt, _mm256_loadu_ps(p + 3 * VW), a3);
      }
      _mm256_storeu_ps(o + ow, a0);
      _mm256_storeu_ps(o + ow + VW, a1);
      _mm256_storeu_ps(o + ow + 2 * VW, a2);
      _mm256_storeu_ps(o + ow + 3 * VW, a3);
    }
    for (; ow < g->outW; ow += VW) {
      __m256 a = _mm256_set1_ps(bias);
      for (long t = 0; t < taps; t++) a = _mm256_fmadd_ps(_mm256_broadcast_ss(w + t), _mm256_loadu_ps(tap[t] + ow), a);
      if (ow + VW <= g->outW) _mm256_storeu_ps(o + ow, a);
      else _mm256_maskstore_ps(o + ow, lanes(g->outW - ow), a);
    }
  }
}

// Scatters each output row's gradient into the padded scratch, tap by tap; a row's last vector
// is read masked (zeros past the row), so the slack only ever receives zeros.
AVX2 static void input_grad_avx2(const ck_depthwise *g, const padded *s, const float *gout, const float *w) {
  long taps = g->kH * g->kW;
  float *tap[taps];
  for (long oh = 0; oh < g->outH; oh++) {
    for (long t = 0; t < taps; t++) tap[t] = phase_row(g, s, oh * g->strideH + t / g->kW, t % g->kW);
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
  for (long ih = 0; ih < g->inH; ih++) {
    float *line = dx + ih * g->inW;
    long r = ih + g->padTop;
    if (g->strideW == 1) {
      memcpy(line, phase_row(g, &s, r, g->padLeft), (size_t)g->inW * sizeof(float));
    } else {
      for (long iw = 0; iw < g->inW; iw++) line[iw] = *phase_row(g, &s, r, iw + g->padLeft);
    }
  }
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
