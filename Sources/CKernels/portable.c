// The kernels' entry points when the x86-64 kernels are not compiled in (CK_X86_KERNELS is
// 0: another architecture, or GRADCAM_NO_X86_KERNELS). ck_sgemm_available() is 0, so callers take
// the OpenBLAS and Swift paths and never reach the others; reaching one is a programming error and
// stops the process with its name.
#include "CKernels.h"

#if !CK_X86_KERNELS

#include <stdio.h>
#include <stdlib.h>

int ck_sgemm_available(void) { return 0; }
int ck_avx2_available(void) { return 0; }
int ck_sgemm_level_available(int level) { return 0; }

static _Noreturn void unavailable(const char *name) {
  fprintf(stderr, "Fatal error: %s called without the x86-64 kernels (ck_sgemm_available() is 0)\n", name);
  abort();
}

long ck_sgemm_tile_rows(int level) { unavailable("ck_sgemm_tile_rows"); }
long ck_sgemm_tile_columns(int level) { unavailable("ck_sgemm_tile_columns"); }

void ck_sgemm(int level, int transA, int transB, long m, long n, long k, float alpha, const float *a,
              long lda, const float *b, long ldb, float beta, float *c, long ldc,
              const float *bias, int relu) {
  unavailable("ck_sgemm");
}

long ck_sgemm_packed_a_size(int level, long m, long k) { unavailable("ck_sgemm_packed_a_size"); }
long ck_sgemm_packed_b_size(int level, long k, long n) { unavailable("ck_sgemm_packed_b_size"); }
void ck_sgemm_pack_a(int level, long m, long k, const float *a, long lda, float *dst) { unavailable("ck_sgemm_pack_a"); }
void ck_sgemm_pack_b(int level, int transB, long k, long n, const float *b, long ldb, float *dst) {
  unavailable("ck_sgemm_pack_b");
}

void ck_sgemm_packed(int level, int transA, int transB, long m, long n, long k, float alpha, const float *a,
                     long lda, const ck_packed *packed_a, const float *b, long ldb,
                     const ck_packed *packed_b, float beta, float *c, long ldc,
                     const ck_epilogue *epilogue) {
  unavailable("ck_sgemm_packed");
}

void ck_sgemm_pack_b_part(int level, int transB, long k, long n, const float *b, long ldb, const ck_im2col *im2col,
                          long column0, float *dst, long part, long parts) {
  unavailable("ck_sgemm_pack_b_part");
}

void ck_sgemm_packed_b_row(int level, long k, long n, long p, long *offset, long *strip_stride) {
  unavailable("ck_sgemm_packed_b_row");
}

void ck_sgemm_conv(int level, long m, long n, long k, float alpha, const float *a, long lda,
                   const ck_packed *packed_a, const ck_im2col *im2col, long column0, float beta,
                   float *c, long ldc, const ck_epilogue *epilogue) {
  unavailable("ck_sgemm_conv");
}

void ck_gelu(const float *x, float *y, long n) { unavailable("ck_gelu"); }
void ck_gelu_derivative(const float *x, float *y, long n) { unavailable("ck_gelu_derivative"); }
int ck_softmax_row(const float *x, float *y, long n) { unavailable("ck_softmax_row"); }
void ck_gelu_avx2(const float *x, float *y, long n) { unavailable("ck_gelu_avx2"); }
void ck_gelu_derivative_avx2(const float *x, float *y, long n) { unavailable("ck_gelu_derivative_avx2"); }
int ck_softmax_row_avx2(const float *x, float *y, long n) { unavailable("ck_softmax_row_avx2"); }
void ck_max_pool_row_k3s2(const float *p, float *out, long n) { unavailable("ck_max_pool_row_k3s2"); }

long ck_winograd_packed_size(int level, long o, long c) { unavailable("ck_winograd_packed_size"); }
void ck_winograd_pack(int level, const float *w, long o, long c, float *dst) { unavailable("ck_winograd_pack"); }
int ck_winograd_conv(int level, const float *x, long c, long inH, long inW, long padH, long padW,
                     const float *packed, long o, float *out, const ck_epilogue *epilogue) {
  unavailable("ck_winograd_conv");
}

long ck_strided_conv_packed_size(int level, long o, long k) { unavailable("ck_strided_conv_packed_size"); }
void ck_strided_conv_pack(int level, const float *w, long o, long k, float *dst) { unavailable("ck_strided_conv_pack"); }
int ck_strided_conv(int level, const float *x, long c, long inH, long inW, long kH, long kW, long padH, long padW,
                    long outH, long outW, const float *packed, long o, float *out, const ck_epilogue *epilogue) {
  unavailable("ck_strided_conv");
}

#endif  // !CK_X86_KERNELS
