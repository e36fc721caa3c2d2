// AVX-512 GELU and softmax rows: the elementwise work of a transformer block, where glibc's scalar
// erff and expf were a fifth of a ViT forward pass.
//
// erf is the Abramowitz-Stegun 7.1.26 form (|error| < 1.5e-7) that PyTorch's own vectorised CPU
// erf uses, so GELU agrees with torch.nn.functional.gelu to float rounding; exp is the Cephes
// polynomial with a two-part ln 2 (about 1 ulp). Callers check ck_sgemm_available() first.
#include "CKernels.h"

#if CK_X86_KERNELS  // the whole file; portable.c defines its entry points otherwise

#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f,avx512vl,avx512dq,fma")))

// exp(x): 2^n * exp(r) with r = x - n ln 2 in [-ln2/2, ln2/2]; exactly 0 below -104 (where the
// float result is 0 anyway, and exp(-inf) must be 0).
AVX512 static inline __m512 exp16(__m512 x) {
  __mmask16 underflow = _mm512_cmp_ps_mask(x, _mm512_set1_ps(-104.0f), _CMP_LT_OQ);
  x = _mm512_min_ps(_mm512_max_ps(x, _mm512_set1_ps(-104.0f)), _mm512_set1_ps(88.7228394f));
  __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                  _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
  r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
  __m512 p = _mm512_set1_ps(1.9875691500e-4f);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
  p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
  return _mm512_maskz_mov_ps((__mmask16)~underflow, _mm512_scalef_ps(p, n));
}

// erf(x) = sign(x) (1 - t (p1 + p2 t + p3 t^2 + p4 t^3 + p5 t^4) exp(-x^2)), t = 1 / (1 + p |x|).
AVX512 static inline __m512 erf16(__m512 x) {
  const __m512 one = _mm512_set1_ps(1.0f);
  __m512 ax = _mm512_abs_ps(x);
  __m512 t = _mm512_div_ps(one, _mm512_fmadd_ps(_mm512_set1_ps(0.3275911f), ax, one));
  __m512 r = _mm512_fmadd_ps(_mm512_set1_ps(1.061405429f), t, _mm512_set1_ps(-1.453152027f));
  r = _mm512_fmadd_ps(r, t, _mm512_set1_ps(1.421413741f));
  r = _mm512_fmadd_ps(r, t, _mm512_set1_ps(-0.284496736f));
  r = _mm512_fmadd_ps(r, t, _mm512_set1_ps(0.254829592f));
  __m512 e = exp16(_mm512_sub_ps(_mm512_setzero_ps(), _mm512_mul_ps(x, x)));
  __m512 y = _mm512_fnmadd_ps(_mm512_mul_ps(e, t), r, one);
  // Copy the sign of x onto y.
  __m512 sign = _mm512_and_ps(x, _mm512_set1_ps(-0.0f));
  return _mm512_or_ps(y, sign);
}

// Phi(x) = (1 + erf(x / sqrt 2)) / 2, the standard normal CDF (GELU and its derivative).
AVX512 static inline __m512 cdf16(__m512 x) {
  return _mm512_mul_ps(_mm512_add_ps(_mm512_set1_ps(1.0f), erf16(_mm512_mul_ps(x, _mm512_set1_ps(0.70710678118654752f)))),
                       _mm512_set1_ps(0.5f));
}

AVX512 static inline __m512 gelu16(__m512 x) { return _mm512_mul_ps(x, cdf16(x)); }

// d/dx GELU = Phi(x) + x phi(x), phi(x) = exp(-x^2 / 2) / sqrt(2 pi): what GELU's backward multiplies by.
AVX512 static inline __m512 gelu_derivative16(__m512 x) {
  __m512 pdf = _mm512_mul_ps(exp16(_mm512_mul_ps(_mm512_mul_ps(x, x), _mm512_set1_ps(-0.5f))),
                             _mm512_set1_ps(0.39894228040143268f));
  return _mm512_fmadd_ps(x, pdf, cdf16(x));
}

// y[i] = F(x[i]) for n floats, 16 at a time, the tail through a mask.
#define ELEMENTWISE16(F)                                                                \
  long i = 0;                                                                           \
  for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, F(_mm512_loadu_ps(x + i)));      \
  if (i < n) {                                                                          \
    __mmask16 m = (__mmask16)((1u << (n - i)) - 1);                                     \
    _mm512_mask_storeu_ps(y + i, m, F(_mm512_maskz_loadu_ps(m, x + i)));                \
  }

AVX512 void ck_gelu(const float *x, float *y, long n) { ELEMENTWISE16(gelu16) }

AVX512 void ck_gelu_derivative(const float *x, float *y, long n) { ELEMENTWISE16(gelu_derivative16) }

AVX512 int ck_softmax_row(const float *x, float *y, long n) {
  if (n <= 0) return 1;
  __m512 mx = _mm512_set1_ps(-__builtin_inff());
  __mmask16 nan = 0;
  long i = 0;
  for (; i + 16 <= n; i += 16) {
    __m512 v = _mm512_loadu_ps(x + i);
    nan |= _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
    mx = _mm512_max_ps(mx, v);
  }
  __mmask16 tail = i < n ? (__mmask16)((1u << (n - i)) - 1) : 0;
  if (tail) {
    __m512 v = _mm512_mask_loadu_ps(_mm512_set1_ps(-__builtin_inff()), tail, x + i);
    nan |= _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
    mx = _mm512_max_ps(mx, v);
  }
  float m = _mm512_reduce_max_ps(mx);
  // NaN rows, and rows whose maximum is infinite, take the caller's exact scalar path.
  if (nan || m == __builtin_inff() || m == -__builtin_inff()) return 0;
  __m512 vm = _mm512_set1_ps(m), sum = _mm512_setzero_ps();
  for (i = 0; i + 16 <= n; i += 16) {
    __m512 e = exp16(_mm512_sub_ps(_mm512_loadu_ps(x + i), vm));
    _mm512_storeu_ps(y + i, e);
    sum = _mm512_add_ps(sum, e);
  }
  if (tail) {
    __m512 e = exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(tail, x + i), vm));
    e = _mm512_maskz_mov_ps(tail, e);
    _mm512_mask_storeu_ps(y + i, tail, e);
    sum = _mm512_add_ps(sum, e);
  }
  __m512 scale = _mm512_set1_ps(1.0f / _mm512_reduce_add_ps(sum));
  for (i = 0; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, _mm512_mul_ps(_mm512_loadu_ps(y + i), scale));
  if (tail) _mm512_mask_storeu_ps(y + i, tail, _mm512_mul_ps(_mm512_maskz_loadu_ps(tail, y + i), scale));
  return 1;
}

// out[t] = the largest of p[2 t], p[2 t + 1], p[2 t + 2] for t < n, taken in that order as
// max pooling's scan does: a later value replaces the running maximum only when larger, and any
// NaN wins (the last NaN of the window). The even and odd values of each 32-float run come
// from two permutes; nothing past p[2 n] is read.
AVX512 void ck_max_pool_row_k3s2(const float *p, float *out, long n) {
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
  const __m512i next = _mm512_setr_epi32(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
  for (long t = 0; t < n; t += 16) {
    long count = n - t < 16 ? n - t : 16, span = 2 * count + 1;  // floats p[2t .. 2t + 2 count]
    const float *q = p + 2 * t;
    __mmask16 m0 = (__mmask16)(span >= 16 ? 0xFFFF : (1u << span) - 1);
    __mmask16 m1 = (__mmask16)(span >= 32 ? 0xFFFF : span <= 16 ? 0 : (1u << (span - 16)) - 1);
    __mmask16 m2 = (__mmask16)(span > 32 ? 1 : 0);
    __m512 lo = _mm512_maskz_loadu_ps(m0, q), hi = _mm512_maskz_loadu_ps(m1, q + 16), last = _mm512_maskz_loadu_ps(m2, q + 32);
    __m512 a = _mm512_permutex2var_ps(lo, even, hi);    // p[2t + 2i]
    __m512 b = _mm512_permutex2var_ps(lo, odd, hi);     // p[2t + 2i + 1]
    __m512 c = _mm512_permutex2var_ps(a, next, last);   // p[2t + 2i + 2]
    // max(x, y) returns y when they are equal: the earlier value stays on ties.
    __m512 r = _mm512_max_ps(c, _mm512_max_ps(b, a));
    r = _mm512_mask_mov_ps(r, _mm512_cmp_ps_mask(a, a, _CMP_UNORD_Q), a);
    r = _mm512_mask_mov_ps(r, _mm512_cmp_ps_mask(b, b, _CMP_UNORD_Q), b);
    r = _mm512_mask_mov_ps(r, _mm512_cmp_ps_mask(c, c, _CMP_UNORD_Q), c);
    _mm512_mask_storeu_ps(out + t, (__mmask16)((1u << count) - 1), r);
  }
}

#endif  // CK_X86_KERNELS
