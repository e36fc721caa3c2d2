// Single-threaded GFLOPS of the package's SGEMM kernels against OpenBLAS's sgemm on the products
// the networks run, per block as gemm() (Sources/Autodiff/Kernels/GEMM.swift) hands them to one
// core (the larger of m and n divided by `cores`, default 2). Each shape alternates the two
// kernels, best of $ROUNDS rounds each (default 5) in thread CPU time, so that a shared
// machine's other jobs neither count nor hit one kernel more than the other.
//
//   clang -O2 -o /tmp/sgemm_shapes Scripts/bench/sgemm_shapes.c Sources/CKernels/sgemm.c \
//     Sources/CKernels/sgemm_avx2.c Sources/CKernels/sgemm_avx512.c Sources/CKernels/sgemm_avx512_bf16.c \
//     -ISources/CKernels/include -I/usr/include/x86_64-linux-gnu -lopenblas && /tmp/sgemm_shapes [cores [name filter]]
//
// SGEMM_LEVEL=bf16 in the environment times the bf16 kernel (`--precision bf16`) instead, and
// SGEMM_LEVEL=avx2 the AVX2 kernel (GRADCAM_ISA=avx2).
//
// Forward products use the weights prepacked (PackedWeights), convolutions the implicit im2col;
// OpenBLAS gets the im2col matrix already written (its copy is not timed, which favours it).
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "CKernels.h"

void openblas_set_num_threads(int);

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);  // CPU time: a shared machine's other jobs do not count
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static float *random_floats(long count) {
  float *p = malloc(sizeof(float) * (count > 0 ? count : 1));
  for (long i = 0; i < count; i++) p[i] = (float)(rand() % 65536) / 65536 - 0.5f;
  return p;
}

typedef enum { PLAIN, PACKED_B_T, PACKED_A, CONV } mode;

typedef struct {
  const char *name;
  int transA, transB;
  long m, n, k;
  mode how;
  long convC, convH, convKernel, convStride;  // CONV: input channels, input size, kernel, stride
} shape;

static double best_of(double (*run)(const shape *, void *), const shape *s, void *ctx, double *best) {
  double t = run(s, ctx);
  if (t < *best) *best = t;
  return t;
}

typedef struct {
  int level;
  float *a, *b, *c, *packed, *image, *bias;
} buffers;

static double run_ours(const shape *s, void *ctx) {
  buffers *x = ctx;
  long lda = s->transA ? s->m : s->k, ldb = s->transB ? s->k : s->n;
  ck_epilogue e = {.bias = x->bias};
  double t0 = now();
  if (s->how == CONV) {
    long pad = s->convKernel / 2, out = (s->convH + 2 * pad - s->convKernel) / s->convStride + 1;
    ck_im2col g = {x->image, s->convH, s->convH, s->convKernel, s->convKernel, s->convStride, s->convStride,
                   pad, pad, 1, 1, out};
    ck_packed pa = {x->packed, s->m, 0};
    ck_sgemm_conv(x->level, s->m, s->n, s->k, 1, NULL, s->k, &pa, &g, 0, 0, x->c, s->n, &e);
  } else if (s->how == PACKED_A) {
    ck_packed pa = {x->packed, s->m, 0};
    ck_sgemm_packed(x->level, 0, 0, s->m, s->n, s->k, 1, NULL, lda, &pa, x->b, ldb, NULL, 0, x->c, s->n, &e);
  } else if (s->how == PACKED_B_T) {
    ck_packed pb = {x->packed, s->n, 0};
    ck_sgemm_packed(x->level, 0, 1, s->m, s->n, s->k, 1, x->a, lda, NULL, NULL, ldb, &pb, 0, x->c, s->n, NULL);
  } else {
    ck_sgemm_packed(x->level, s->transA, s->transB, s->m, s->n, s->k, 1, x->a, lda, NULL, x->b, ldb, NULL, 0, x->c,
                    s->n, NULL);
  }
  return now() - t0;
}

static double run_blas(const shape *s, void *ctx) {
  buffers *x = ctx;
  long lda = s->transA ? s->m : s->k, ldb = s->transB ? s->k : s->n;
  double t0 = now();
  cblas_sgemm(CblasRowMajor, s->transA ? CblasTrans : CblasNoTrans, s->transB ? CblasTrans : CblasNoTrans, s->m,
              s->n, s->k, 1, x->a, lda, x->b, ldb, 0, x->c, s->n);
  if (s->how == CONV || s->how == PACKED_A) {  // the bias pass gradcam runs after BLAS
    for (long i = 0; i < s->m; i++)
      for (long j = 0; j < s->n; j++) x->c[i * s->n + j] += x->bias[i];
  }
  return now() - t0;
}

int main(int argc, char **argv) {
  long cores = argc > 1 ? atol(argv[1]) : 2;
  int rounds = getenv("ROUNDS") ? atoi(getenv("ROUNDS")) : 5;
  openblas_set_num_threads(1);
  int level = ck_sgemm_level_available(CK_SGEMM_AVX512) ? CK_SGEMM_AVX512 : CK_SGEMM_AVX2;
  if (getenv("SGEMM_LEVEL") && strcmp(getenv("SGEMM_LEVEL"), "bf16") == 0) {
    if (!ck_sgemm_level_available(CK_SGEMM_AVX512_BF16)) {
      fprintf(stderr, "SGEMM_LEVEL=bf16: this processor has no AVX512-BF16\n");
      return 1;
    }
    level = CK_SGEMM_AVX512_BF16;
  }
  if (getenv("SGEMM_LEVEL") && strcmp(getenv("SGEMM_LEVEL"), "avx2") == 0) level = CK_SGEMM_AVX2;
  // (name, transA, transB, m, n, k, mode, conv...) with m or n already divided by the core split.
#define H(x) (((x) + cores - 1) / cores)
#define CONVSHAPE(nm, C, Hh, O, K, S)                                                                          \
  {nm, 0, 0, (O) > ((Hh + 2 * (K / 2) - K) / S + 1) * ((Hh + 2 * (K / 2) - K) / S + 1) ? H(O) : (O),          \
   (O) > ((Hh + 2 * (K / 2) - K) / S + 1) * ((Hh + 2 * (K / 2) - K) / S + 1)                                   \
       ? ((Hh + 2 * (K / 2) - K) / S + 1) * ((Hh + 2 * (K / 2) - K) / S + 1)                                   \
       : H(((Hh + 2 * (K / 2) - K) / S + 1) * ((Hh + 2 * (K / 2) - K) / S + 1)),                                \
   (C) * (K) * (K), (K) == 1 ? PACKED_A : CONV, C, Hh, K, S}
  shape shapes[] = {
      {"vit b1 qkv 197x1152x384 (W^T packed)", 0, 1, 197, H(1152), 384, PACKED_B_T},
      {"vit b1 proj 197x384x384", 0, 1, 197, H(384), 384, PACKED_B_T},
      {"vit b1 fc1 197x1536x384", 0, 1, 197, H(1536), 384, PACKED_B_T},
      {"vit b1 fc2 197x384x1536", 0, 1, 197, H(384), 1536, PACKED_B_T},
      {"vit b8 qkv 1576x1152x384", 0, 1, H(1576), 1152, 384, PACKED_B_T},
      {"vit b8 fc2 1576x384x1536", 0, 1, H(1576), 384, 1536, PACKED_B_T},
      {"convnext b1 s1 fc1 3136x384x96", 0, 1, H(3136), 384, 96, PACKED_B_T},
      {"convnext b1 s1 fc2 3136x96x384", 0, 1, H(3136), 96, 384, PACKED_B_T},
      {"convnext b1 s3 fc1 196x1536x384", 0, 1, 196, H(1536), 384, PACKED_B_T},
      {"convnext b1 s4 fc2 49x768x3072", 0, 1, 49, H(768), 3072, PACKED_B_T},
      {"vit attn q.k^T 197x197x64 (per head)", 0, 1, 197, 197, 64, PLAIN},
      {"vit attn p.v 197x64x197 (per head)", 0, 0, 197, 64, 197, PLAIN},
      {"vit bwd dX=g.W 197x384x1152", 0, 0, 197, H(384), 1152, PLAIN},
      {"vit bwd dW=g^T.x 1152x384x197", 1, 0, H(1152), 384, 197, PLAIN},
      {"vit bwd fc1 dW 1536x384x1576", 1, 0, H(1536), 384, 1576, PLAIN},
      CONVSHAPE("r50 conv 64x56 -> 64 k3", 64, 56, 64, 3, 1),
      CONVSHAPE("r50 conv 128x28 -> 128 k3", 128, 28, 128, 3, 1),
      CONVSHAPE("r50 conv 256x14 -> 256 k3", 256, 14, 256, 3, 1),
      CONVSHAPE("r50 conv 512x7 -> 512 k3 (49x512x4608)", 512, 7, 512, 3, 1),
      CONVSHAPE("r50 stem 3x224 -> 64 k7 s2", 3, 224, 64, 7, 2),
      CONVSHAPE("r50 conv 128x56 -> 128 k3 s2", 128, 56, 128, 3, 2),
      CONVSHAPE("r50 conv 256x28 -> 256 k3 s2", 256, 28, 256, 3, 2),
      CONVSHAPE("r50 conv 512x14 -> 512 k3 s2", 512, 14, 512, 3, 2),
      // CIFAR-10 ResNet-56's three stages as `evaluate` runs them: one image per core, not split.
      {"cifar conv 16x32 -> 16 k3 (one image)", 0, 0, 16, 1024, 144, CONV, 16, 32, 3, 1},
      {"cifar conv 32x16 -> 32 k3 (one image)", 0, 0, 32, 256, 288, CONV, 32, 16, 3, 1},
      {"cifar conv 64x8 -> 64 k3 (one image)", 0, 0, 64, 64, 576, CONV, 64, 8, 3, 1},
      CONVSHAPE("r50 1x1 64x56 -> 256", 64, 56, 256, 1, 1),
      CONVSHAPE("r50 1x1 256x56 -> 64", 256, 56, 64, 1, 1),
      CONVSHAPE("r50 1x1 512x28 -> 128", 512, 28, 128, 1, 1),
      CONVSHAPE("r50 1x1 1024x14 -> 256", 1024, 14, 256, 1, 1),
      CONVSHAPE("r50 1x1 2048x7 -> 512", 2048, 7, 512, 1, 1),
      CONVSHAPE("r50 1x1 512x7 -> 2048", 512, 7, 2048, 1, 1),
      {"r50 bwd conv dW=g.cols^T 512x4608x49", 0, 1, H(512), 4608, 49, PLAIN},
      {"r50 bwd conv dcols=W^T.g 4608x49x512", 1, 0, H(4608), 49, 512, PLAIN},
      {"r50 bwd 1x1 dW 256x64x3136", 0, 1, 256, 64, H(3136), PLAIN},
      {"r50 bwd 1x1 dX 64x3136x256", 1, 0, 64, H(3136), 256, PLAIN},
      {"square 512^3", 0, 0, 512, H(512), 512, PLAIN},
  };
  printf("level %s, %ld cores' split; GFLOPS single-threaded, best of %d\n", level == CK_SGEMM_AVX512_BF16 ? "avx512 bf16" : level == CK_SGEMM_AVX512 ? "avx512" : "avx2",
         cores, rounds);
  printf("%-42s %8s %8s %6s\n", "product (m x n x k per core)", "ours", "openblas", "ratio");
  for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++) {
    shape *s = &shapes[i];
    if (argc > 2 && !strstr(s->name, argv[2])) continue;
    buffers x = {.level = level};
    long imageSize = s->how == CONV ? s->convC * s->convH * s->convH : 0;
    x.a = random_floats(s->m * s->k);
    x.b = random_floats(s->k * s->n);
    x.c = random_floats(s->m * s->n);
    x.bias = random_floats(s->m);
    x.image = random_floats(imageSize);
    if (s->how == PACKED_A || s->how == CONV) {
      x.packed = malloc(sizeof(float) * ck_sgemm_packed_a_size(level, s->m, s->k));
      ck_sgemm_pack_a(level, s->m, s->k, x.a, s->k, x.packed);
    } else if (s->how == PACKED_B_T) {
      x.packed = malloc(sizeof(float) * ck_sgemm_packed_b_size(level, s->k, s->n));
      ck_sgemm_pack_b(level, 1, s->k, s->n, x.b, s->k, x.packed);
    }
    double ours = 1e9, blas = 1e9;
    run_ours(s, &x);
    run_blas(s, &x);
    for (int r = 0; r < rounds; r++) {
      best_of(run_ours, s, &x, &ours);
      best_of(run_blas, s, &x, &blas);
    }
    double flops = 2.0 * s->m * s->n * s->k;
    printf("%-42s %8.1f %8.1f %6.2f\n", s->name, flops / ours / 1e9, flops / blas / 1e9, blas / ours);
    free(x.a), free(x.b), free(x.c), free(x.bias), free(x.image), free(x.packed);
  }
  return 0;
}
