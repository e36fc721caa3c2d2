// Hand-written CPU kernels that OpenBLAS, as configured here, cannot provide.
#ifndef GRADCAM_CKERNELS_H
#define GRADCAM_CKERNELS_H

#include <stddef.h>

/// 1 when this processor can run the AVX-512 kernels below (checked once, at run time).
int ck_sgemm_available(void);

/// Single-threaded row-major SGEMM with an optional fused epilogue:
/// C = act(alpha * op(A) * op(B) + beta * C + bias[row]), where op transposes when trans* is
/// non-zero, `bias` may be NULL (one value per row of C) and act is ReLU when `relu` is non-zero.
/// When beta is 0, C is not read. Only call when ck_sgemm_available() returns 1.
void ck_sgemm(int transA, int transB, long m, long n, long k, float alpha,
              const float *a, long lda, const float *b, long ldb, float beta,
              float *c, long ldc, const float *bias, int relu);

#endif
