// The SGEMM kernels of each instruction-set level, as sgemm.c dispatches to them (private to
// CKernels). Each is the driver of sgemm_driver.h instantiated with its level's register tile.
#ifndef GRADCAM_SGEMM_KERNELS_H
#define GRADCAM_SGEMM_KERNELS_H

#include "CKernels.h"

typedef struct {
  long mr, nr;  // the register tile: prepacked offsets are multiples of these
  long (*packed_a_size)(long m, long k);
  long (*packed_b_size)(long k, long n);
  void (*pack_a)(long m, long k, const float *a, long lda, float *dst);
  void (*pack_b)(int transB, long k, long n, const float *b, long ldb, float *dst);
  void (*pack_b_part)(int transB, long k, long n, const float *b, long ldb, const ck_im2col *im2col, long column0,
                      float *dst, long part, long parts);
  void (*packed_b_row)(long k, long n, long p, long *offset, long *strip_stride);
  void (*driver)(int transA, int transB, long m, long n, long k, float alpha, const float *a, long lda,
                 const ck_packed *packed_a, const float *b, long ldb, const ck_packed *packed_b,
                 const ck_im2col *im2col, long column0, float beta, float *c, long ldc,
                 const ck_epilogue *epilogue);
} sgemm_kernel;

/// Where one register tile of a direct convolution (sgemm_direct_conv.h) reads its two B vectors in the
/// padded image, at tap (0, 0): the first lanes [0, split) from `start` on (to the end of a row of
/// outputs, or all of them), lanes [split, lanes) from `next_row` + lane (the next row's start);
/// lanes past `lanes` are zero. `plain`: both vectors are whole and inside one row.
typedef struct {
  const float *start[2], *next_row[2];
  long split[2], lanes[2];
  int plain;
} direct_tile;

/// The micro-kernels' prefetch of the next packed A strip (MR * AS floats on from the current
/// one's start: the next row tile of the block), one cache line per depth step p while the tile
/// computes, so that a layer's prepacked weights, read once per pass and so from memory, are in
/// cache when the next tile reads them (the strip's own reads, 12 short interleaved streams, are
/// too short for the hardware prefetcher: ResNet-50's 7x7 layers ran 30% slower with cold
/// weights than with warm ones). Step p fetches line p / MR of row p % MR of a row-major strip
/// (A_AT(i) = i * AS, or i * lda in place), or the line at p * MR floats of a depth-major one
/// (A_AT(i) = i): every line
/// of the strip's kc-deep part by the end of the depth loop. Needs MR, AS and <immintrin.h>.
#define PREFETCH_NEXT_A(next_a, A_AT, p)                                                          \
  _mm_prefetch((const char *)((next_a) + (A_AT(1) == 1 ? (p) * MR : A_AT((p) % MR) + ((p) / MR) * 16)), \
               _MM_HINT_T0)
/// Where the next A strip starts, from the current one's start: MR * AS floats on in a packed
/// block, MR rows on (A_AT(MR)) for A read in place.
#define NEXT_A_STRIP(A_AT) (A_AT(1) == 1 ? MR * AS : A_AT(MR))

extern const sgemm_kernel avx512_kernel;  // sgemm_avx512.c: 12x32 tile
extern const sgemm_kernel avx2_kernel;    // sgemm_avx2.c: 6x16 tile
extern const sgemm_kernel avx512_bf16_kernel;  // sgemm_avx512_bf16.c: 12x32 tile, bf16 panels

#endif
