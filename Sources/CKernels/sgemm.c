// The SGEMM entry points: each names the instruction-set level whose kernel runs (and whose
// packed layout its prepacked operands use), and dispatches to that kernel (sgemm_kernels.h).
#include "CKernels.h"

#if CK_X86_KERNELS  // the whole file; portable.c defines the entry points otherwise

#include <stdio.h>
#include <stdlib.h>

#include "sgemm_kernels.h"

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

// AVX512-BF16 (vdpbf16ps, vcvtne2ps2bf16) with AVX512-BW (the word shuffles that pair k).
static int bf16_available(void) {
  static int cached = -1;
  if (cached < 0) {
    __builtin_cpu_init();
    cached = ck_sgemm_available() && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512bf16") ? 1 : 0;
  }
  return cached;
}

int ck_sgemm_level_available(int level) {
  switch (level) {
  case CK_SGEMM_AVX512_BF16: return bf16_available();
  case CK_SGEMM_AVX512: return ck_sgemm_available();
  case CK_SGEMM_AVX2: return ck_avx2_available();
  default: return 0;
  }
}

// The kernel of a level; a level this processor cannot run is a programming error (the callers
// choose it from KernelISA), stopped here rather than by an illegal instruction.
static const sgemm_kernel *kernel_of(int level) {
  if (!ck_sgemm_level_available(level)) {
    fprintf(stderr, "Fatal error: SGEMM kernel level %d is not available on this processor\n", level);
    abort();
  }
  switch (level) {
  case CK_SGEMM_AVX512_BF16: return &avx512_bf16_kernel;
  case CK_SGEMM_AVX512: return &avx512_kernel;
  default: return &avx2_kernel;
  }
}

long ck_sgemm_tile_rows(int level) { return kernel_of(level)->mr; }
long ck_sgemm_tile_columns(int level) { return kernel_of(level)->nr; }

long ck_sgemm_packed_a_size(int level, long m, long k) { return kernel_of(level)->packed_a_size(m, k); }
long ck_sgemm_packed_b_size(int level, long k, long n) { return kernel_of(level)->packed_b_size(k, n); }

void ck_sgemm_pack_a(int level, long m, long k, const float *a, long lda, float *dst) {
  kernel_of(level)->pack_a(m, k, a, lda, dst);
}

void ck_sgemm_pack_b(int level, int transB, long k, long n, const float *b, long ldb, float *dst) {
  kernel_of(level)->pack_b(transB, k, n, b, ldb, dst);
}

void ck_sgemm_pack_b_part(int level, int transB, long k, long n, const float *b, long ldb, const ck_im2col *im2col,
                          long column0, float *dst, long part, long parts) {
  kernel_of(level)->pack_b_part(transB, k, n, b, ldb, im2col, column0, dst, part, parts);
}

void ck_sgemm_packed_b_row(int level, long k, long n, long p, long *offset, long *strip_stride) {
  kernel_of(level)->packed_b_row(k, n, p, offset, strip_stride);
}

void ck_sgemm_packed(int level, int transA, int transB, long m, long n, long k, float alpha, const float *a,
                     long lda, const ck_packed *packed_a, const float *b, long ldb,
                     const ck_packed *packed_b, float beta, float *c, long ldc,
                     const ck_epilogue *epilogue) {
  kernel_of(level)->driver(transA, transB, m, n, k, alpha, a, lda, packed_a, b, ldb, packed_b, NULL, 0, beta, c,
                           ldc, epilogue);
}

void ck_sgemm_conv(int level, long m, long n, long k, float alpha, const float *a, long lda,
                   const ck_packed *packed_a, const ck_im2col *im2col, long column0, float beta,
                   float *c, long ldc, const ck_epilogue *epilogue) {
  kernel_of(level)->driver(0, 0, m, n, k, alpha, a, lda, packed_a, NULL, 0, NULL, im2col, column0, beta, c, ldc,
                           epilogue);
}

void ck_sgemm(int level, int transA, int transB, long m, long n, long k, float alpha, const float *a,
              long lda, const float *b, long ldb, float beta, float *c, long ldc,
              const float *bias, int relu) {
  ck_epilogue e = {.bias = bias, .relu = relu};
  ck_sgemm_packed(level, transA, transB, m, n, k, alpha, a, lda, NULL, b, ldb, NULL, beta, c, ldc, &e);
}

#endif  // CK_X86_KERNELS
