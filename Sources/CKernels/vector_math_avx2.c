// AVX2 + FMA versions of vector_math.c's GELU and softmax rows, for processors without AVX-512
// (AMD before Zen 4, GRADCAM_ISA=avx2), where the scalar erff and expf were the rest of a ViT
// forward pass after OpenBLAS's products. Same approximations as the AVX-512 kernels (erf:
// Abramowitz-Stegun 7.1.26, |error| < 1.5e-7; exp: the Cephes polynomial), with 2^n built in two
// exponent-field steps because AVX2 has no scalef. Callers check ck_avx2_available() first.
#include "CKernels.h"

#if CK_X86_KERNELS  // the whole file; portable.c defines its entry points otherwise

#include <immintrin.h>
#include <string.h>

#define AVX2 __attribute__((target("avx2,fma")))

// 2^k for integer k in [-126, 127] (a normal float).
AVX2 static inline __m256 pow2i8(__m256i k) {
  return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(k, _mm256_set1_epi32(127)), 23));
}

// exp(x) = 2^n exp(r), r = x - n ln 2; exactly 0 below -104 (and for -inf).
AVX2 static inline __m256 exp8(__m256 x) {
  __m256 underflow = _mm256_cmp_ps(x, _mm256_set1_ps(-104.0f), _CMP_LT_OQ);
  x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-104.0f)), _mm256_set1_ps(88.7228394f));
  __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                             _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
  r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
  __m256 p = _mm256_set1_ps(1.9875691500e-4f);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
  p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
  // n is in [-150, 128]: 2^n = 2^(n/2) 2^(n - n/2), both factors normal, so results down to the
  // subnormal range come out as scalef gives them.
  __m256i ni = _mm256_cvtps_epi32(n);
  __m256i half = _mm256_srai_epi32(ni, 1);
  p = _mm256_mul_ps(_mm256_mul_ps(p, pow2i8(half)), pow2i8(_mm256_sub_epi32(ni, half)));
  return _mm256_andnot_ps(underflow, p);
}

AVX2 static inline __m256 erf8(__m256 x) {
  const __m256 one = _mm256_set1_ps(1.0f);
  __m256 sign = _mm256_and_ps(x, _mm256_set1_ps(-0.0f));
  __m256 ax = _mm256_andnot_ps(_mm256_set1_ps(-0.0f), x);
  __m256 t = _mm256_div_ps(one, _mm256_fmadd_ps(_mm256_set1_ps(0.3275911f), ax, one));
  __m256 r = _mm256_fmadd_ps(_mm256_set1_ps(1.061405429f), t, _mm256_set1_ps(-1.453152027f));
  r = _mm256_fmadd_ps(r, t, _mm256_set1_ps(1.421413741f));
  r = _mm256_fmadd_ps(r, t, _mm256_set1_ps(-0.284496736f));
  r = _mm256_fmadd_ps(r, t, _mm256_set1_ps(0.254829592f));
  __m256 e = exp8(_mm256_sub_ps(_mm256_setzero_ps(), _mm256_mul_ps(x, x)));
  __m256 y = _mm256_fnmadd_ps(_mm256_mul_ps(e, t), r, one);
  return _mm256_or_ps(y, sign);
}

// Phi(x) = (1 + erf(x / sqrt 2)) / 2, the standard normal CDF (GELU and its derivative).
AVX2 static inline __m256 cdf8(__m256 x) {
  return _mm256_mul_ps(_mm256_add_ps(_mm256_set1_ps(1.0f), erf8(_mm256_mul_ps(x, _mm256_set1_ps(0.70710678118654752f)))),
                       _mm256_set1_ps(0.5f));
}

AVX2 static inline __m256 gelu8(__m256 x) { return _mm256_mul_ps(x, cdf8(x)); }

// d/dx GELU = Phi(x) + x phi(x), phi(x) = exp(-x^2 / 2) / sqrt(2 pi): what GELU's backward multiplies by.
AVX2 static inline __m256 gelu_derivative8(__m256 x) {
  __m256 pdf = _mm256_mul_ps(exp8(_mm256_mul_ps(_mm256_mul_ps(x, x), _mm256_set1_ps(-0.5f))),
                             _mm256_set1_ps(0.39894228040143268f));
  return _mm256_fmadd_ps(x, pdf, cdf8(x));
}

// y[i] = F(x[i]) for n floats, 8 at a time, the tail through a zero-padded buffer.
#define ELEMENTWISE8(F)                                                                 \
  long i = 0;                                                                           \
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, F(_mm256_loadu_ps(x + i)));        \
  if (i < n) {                                                                          \
    float buffer[8] = {0};                                                              \
    memcpy(buffer, x + i, (size_t)(n - i) * sizeof(float));                             \
    _mm256_storeu_ps(buffer, F(_mm256_loadu_ps(buffer)));                               \
    memcpy(y + i, buffer, (size_t)(n - i) * sizeof(float));                             \
  }

AVX2 void ck_gelu_avx2(const float *x, float *y, long n) { ELEMENTWISE8(gelu8) }

AVX2 void ck_gelu_derivative_avx2(const float *x, float *y, long n) { ELEMENTWISE8(gelu_derivative8) }

AVX2 static inline float hmax8(__m256 v) {
  __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  m = _mm_max_ps(m, _mm_movehl_ps(m, m));
  m = _mm_max_ss(m, _mm_shuffle_ps(m, m, 1));
  return _mm_cvtss_f32(m);
}

AVX2 static inline float hsum8(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
  return _mm_cvtss_f32(s);
}

AVX2 int ck_softmax_row_avx2(const float *x, float *y, long n) {
  if (n <= 0) return 1;
  const float ninf = -__builtin_inff();
  // The tail padded with -inf: no effect on the maximum, and exp gives exactly 0 for it.
  long body = n / 8 * 8, rest = n - body;
  float tail[8] = {ninf, ninf, ninf, ninf, ninf, ninf, ninf, ninf};
  if (rest) memcpy(tail, x + body, (size_t)rest * sizeof(float));
  __m256 mx = _mm256_set1_ps(ninf), nan = _mm256_setzero_ps();
  for (long i = 0; i < body; i += 8) {
    __m256 v = _mm256_loadu_ps(x + i);
    nan = _mm256_or_ps(nan, _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
    mx = _mm256_max_ps(mx, v);
  }
  if (rest) {
    __m256 v = _mm256_loadu_ps(tail);
    nan = _mm256_or_ps(nan, _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
    mx = _mm256_max_ps(mx, v);
  }
  float m = hmax8(mx);
  // NaN rows, and rows whose maximum is infinite, take the caller's exact scalar path.
  if (_mm256_movemask_ps(nan) || m == __builtin_inff() || m == ninf) return 0;
  __m256 vm = _mm256_set1_ps(m), sum = _mm256_setzero_ps();
  for (long i = 0; i < body; i += 8) {
    __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i), vm));
    _mm256_storeu_ps(y + i, e);
    sum = _mm256_add_ps(sum, e);
  }
  if (rest) {
    __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(tail), vm));
    _mm256_storeu_ps(tail, e);
    sum = _mm256_add_ps(sum, e);
  }
  __m256 scale = _mm256_set1_ps(1.0f / hsum8(sum));
  for (long i = 0; i < body; i += 8) _mm256_storeu_ps(y + i, _mm256_mul_ps(_mm256_loadu_ps(y + i), scale));
  if (rest) {
    _mm256_storeu_ps(tail, _mm256_mul_ps(_mm256_loadu_ps(tail), scale));
    memcpy(y + body, tail, (size_t)rest * sizeof(float));
  }
  return 1;
}

#endif  // CK_X86_KERNELS
