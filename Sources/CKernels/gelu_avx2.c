// AVX2 + FMA GELU for x86-64 processors without AVX-512 (vector_math.c's ck_gelu needs it): the
// same erf (Abramowitz-Stegun 7.1.26, |error| < 1.5e-7, PyTorch's vectorised CPU erf) and exp
// (Cephes polynomial, two-part ln 2) in 8-float vectors, instead of glibc's scalar erff, which
// took a sixth of a ConvNeXt-T forward pass on an AVX2 machine.
#include "CKernels.h"

#if CK_X86_KERNELS  // else the stub at the end: the caller takes its scalar path
#include <immintrin.h>
#define AVX2 __attribute__((target("avx2,fma")))

static int avx2_available(void) {
  static int cached = -1;
  if (cached < 0) {
    __builtin_cpu_init();
    cached = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? 1 : 0;
  }
  return cached;
}

// exp(x) for x <= 0 (erf's exp(-x^2)): 2^n * exp(r), r = x - n ln 2 in [-ln2/2, ln2/2]. x is
// clamped to -87 (exp(-87) = 1.6e-38, the smallest normal scale 2^n builds from its exponent
// bits): erf's 1 - t p exp(-x^2) is then 1 in float either way.
AVX2 static inline __m256 exp8(__m256 x) {
  x = _mm256_max_ps(x, _mm256_set1_ps(-87.0f));
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
  __m256i bits = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
  return _mm256_mul_ps(p, _mm256_castsi256_ps(bits));
}

// erf(x) = sign(x) (1 - t (p1 + p2 t + p3 t^2 + p4 t^3 + p5 t^4) exp(-x^2)), t = 1 / (1 + p |x|).
AVX2 static inline __m256 erf8(__m256 x) {
  const __m256 one = _mm256_set1_ps(1.0f), sign_bit = _mm256_set1_ps(-0.0f);
  __m256 ax = _mm256_andnot_ps(sign_bit, x);
  __m256 t = _mm256_div_ps(one, _mm256_fmadd_ps(_mm256_set1_ps(0.3275911f), ax, one));
  __m256 r = _mm256_fmadd_ps(_mm256_set1_ps(1.061405429f), t, _mm256_set1_ps(-1.453152027f));
  r = _mm256_fmadd_ps(r, t, _mm256_set1_ps(1.421413741f));
  r = _mm256_fmadd_ps(r, t, _mm256_set1_ps(-0.284496736f));
  r = _mm256_fmadd_ps(r, t, _mm256_set1_ps(0.254829592f));
  __m256 e = exp8(_mm256_sub_ps(_mm256_setzero_ps(), _mm256_mul_ps(x, x)));
  __m256 y = _mm256_fnmadd_ps(_mm256_mul_ps(e, t), r, one);
  return _mm256_or_ps(y, _mm256_and_ps(x, sign_bit));
}

// x * (1 + erf(x / sqrt 2)) / 2
AVX2 static inline __m256 gelu8(__m256 x) {
  __m256 cdf = _mm256_mul_ps(_mm256_add_ps(_mm256_set1_ps(1.0f), erf8(_mm256_mul_ps(x, _mm256_set1_ps(0.70710678118654752f)))),
                             _mm256_set1_ps(0.5f));
  return _mm256_mul_ps(x, cdf);
}

AVX2 static void gelu_avx2(const float *x, float *y, long n) {
  long i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, gelu8(_mm256_loadu_ps(x + i)));
  if (i < n) {
    float in[8] = {0}, out[8];
    for (long j = 0; j < n - i; j++) in[j] = x[i + j];
    _mm256_storeu_ps(out, gelu8(_mm256_loadu_ps(in)));
    for (long j = 0; j < n - i; j++) y[i + j] = out[j];
  }
}

int ck_gelu_avx2(const float *x, float *y, long n) {
  if (!avx2_available()) return 0;
  gelu_avx2(x, y, n);
  return 1;
}

#else

int ck_gelu_avx2(const float *x, float *y, long n) { return 0; }

#endif
