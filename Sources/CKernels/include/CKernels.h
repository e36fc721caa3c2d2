// Hand-written CPU kernels that OpenBLAS, as configured here, cannot provide.
#ifndef GRADCAM_CKERNELS_H
#define GRADCAM_CKERNELS_H

#include <stddef.h>

/// 1 when the x86-64 kernels (AVX-512 and AVX2) are compiled in: on x86-64, unless the build defines
/// GRADCAM_NO_X86_KERNELS (`swift build -Xcc -DGRADCAM_NO_X86_KERNELS`). Elsewhere (aarch64,
/// Apple Silicon) and with that flag, every product runs on OpenBLAS (or Accelerate's CBLAS) and
/// the Swift code paths; ck_sgemm_available() then returns 0 and the kernels below are not called.
#if defined(__x86_64__) && !defined(GRADCAM_NO_X86_KERNELS)
#define CK_X86_KERNELS 1
#else
#define CK_X86_KERNELS 0
#endif

/// 1 when this processor can run the AVX-512 kernels below (checked once, at run time); always 0
/// when they are not compiled in (CK_X86_KERNELS is 0).
int ck_sgemm_available(void);

/// 1 when this processor has AVX2 and FMA (checked once, at run time); always 0 when the x86-64
/// kernels are not compiled in. Reported by `gradcam bench`; the depthwise kernels check it too.
int ck_avx2_available(void);

/// The SGEMM kernels' instruction-set levels: every ck_sgemm_* function takes the level whose
/// kernel runs. Packed operands (ck_sgemm_pack_*) are laid out for one level's register tile
/// (AVX-512 and AVX-512 BF16: 12 rows x 32 columns; AVX2 + FMA: 6 x 16) and must be used at that
/// level. CK_SGEMM_AVX512_BF16 rounds A and B to bf16 (nearest even) as it packs them and
/// accumulates their products in float32 (vdpbf16ps): an opt-in lower precision, never chosen
/// by default.
#define CK_SGEMM_AVX2 1
#define CK_SGEMM_AVX512 2
#define CK_SGEMM_AVX512_BF16 3

/// 1 when this processor can run the SGEMM kernel of `level` (CK_SGEMM_AVX2 needs AVX2 and FMA,
/// CK_SGEMM_AVX512 AVX-512F, CK_SGEMM_AVX512_BF16 AVX-512F, BW and BF16); 0 otherwise and when
/// the x86-64 kernels are not compiled in.
/// Calling a kernel at a level that is not available stops the process with a message.
int ck_sgemm_level_available(int level);

/// The register tile of a level's kernel: prepacked operands' offsets are multiples of these.
long ck_sgemm_tile_rows(int level);
long ck_sgemm_tile_columns(int level);

/// Single-threaded row-major SGEMM with an optional fused epilogue:
/// C = act(alpha * op(A) * op(B) + beta * C + bias[row]), where op transposes when trans* is
/// non-zero, `bias` may be NULL (one value per row of C) and act is ReLU when `relu` is non-zero.
/// When beta is 0, C is not read.
void ck_sgemm(int level, int transA, int transB, long m, long n, long k, float alpha,
              const float *a, long lda, const float *b, long ldb, float beta,
              float *c, long ldc, const float *bias, int relu);

/// An operand packed once with ck_sgemm_pack_a / ck_sgemm_pack_b, for products that reuse it
/// (a layer's weights): `count` is its number of rows (A) or columns (B) when packed, `offset`
/// the first row or column a product uses (a multiple of the level's tile rows or columns).
typedef struct {
  const float *data;
  long count;
  long offset;
} ck_packed;

/// Floats needed to pack an untransposed m x k A, or a k x n op(B), for `level`'s kernel.
long ck_sgemm_packed_a_size(int level, long m, long k);
long ck_sgemm_packed_b_size(int level, long k, long n);
/// Packs row-major m x k A (leading dimension lda) into dst.
void ck_sgemm_pack_a(int level, long m, long k, const float *a, long lda, float *dst);
/// Packs op(B), k x n (B transposed when transB is non-zero), into dst.
void ck_sgemm_pack_b(int level, int transB, long k, long n, const float *b, long ldb, float *dst);
/// Where ck_sgemm_pack_b puts row p of a k x n op(B) at a float32 level (AVX2, AVX-512): element
/// (p, j) at offset + (j / nr) * strip_stride + j % nr, nr = ck_sgemm_tile_columns(level); the
/// columns from n up to the last strip's end are padding, zero in a packed operand. For code that
/// writes B straight into the packed layout (Winograd's input transform); not for the bf16 level,
/// whose packed B holds bf16 pairs.
void ck_sgemm_packed_b_row(int level, long k, long n, long p, long *offset, long *strip_stride);

/// What runs on each tile of C as it is stored: C = act(product + bias[row] +
/// column_bias[column] + residual), each part optional (NULL / 0), added in that order.
/// `residual` has C's shape, with leading dimension `ldr`. (Winograd ignores column_bias.)
typedef struct {
  const float *bias;
  const float *residual;
  long ldr;
  int relu;
  const float *column_bias;
} ck_epilogue;

/// ck_sgemm where either operand may come prepacked (then a or b is not read; k and the packed
/// matrix's depth must agree), with an optional epilogue (NULL: none).
void ck_sgemm_packed(int level, int transA, int transB, long m, long n, long k, float alpha,
                     const float *a, long lda, const ck_packed *packed_a,
                     const float *b, long ldb, const ck_packed *packed_b, float beta,
                     float *c, long ldc, const ck_epilogue *epilogue);

/// y = GELU(x) (exact erf form) for n floats; x and y may be the same. Needs AVX-512.
void ck_gelu(const float *x, float *y, long n);

/// y = GELU'(x) = Phi(x) + x phi(x) (the exact form's derivative, as GELU's backward uses it) for
/// n floats; x and y may be the same. Needs AVX-512.
void ck_gelu_derivative(const float *x, float *y, long n);

/// y = softmax(x) over one row of n floats. Returns 0, writing nothing useful, when the row holds
/// a NaN or an infinite maximum (the caller's scalar path handles those). Needs AVX-512.
int ck_softmax_row(const float *x, float *y, long n);

/// ck_gelu and ck_softmax_row on AVX2 + FMA (same approximations, 8 floats at a time), for
/// processors without AVX-512. Only call when ck_avx2_available() returns 1.
void ck_gelu_avx2(const float *x, float *y, long n);
void ck_gelu_derivative_avx2(const float *x, float *y, long n);
int ck_softmax_row_avx2(const float *x, float *y, long n);
/// out[t] = max(p[2 t], p[2 t + 1], p[2 t + 2]) for t < n, scanned in that order (a later value
/// wins only when larger; any NaN wins): a 3-wide, stride-2 max pooling row (ResNet's stem pool)
/// on column maxima padded so that p[2 n] exists. Needs AVX-512.
void ck_max_pool_row_k3s2(const float *p, float *out, long n);

/// A convolution input seen as its im2col matrix: row (c * kH + i) * kW + j, column
/// oh * outW + ow holds x[c, oh * strideH - padH + i * dilationH, ow * strideW - padW + j * dilationW]
/// (0 outside the image). With `images` > 1, the columns of `images` images side by side: column
/// b * outPlane + oh * outW + ow reads image b at x + b * imageStride (`images` 0 or 1: one image,
/// outPlane and imageStride unused).
typedef struct {
  const float *x;
  long inH, inW, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW, outW;
  long images, outPlane, imageStride;
} ck_im2col;

/// Part `part` of `parts` of ck_sgemm_pack_b(level, transB, k, n, b, ldb, dst), or, when `im2col`
/// is set, of the k x n im2col matrix of its image from column `column0` on (b and ldb unused): the
/// units (depth block, column strip) [U * part / parts, U * (part + 1) / parts) of its U. The
/// `parts` calls, on any threads, pack it all, so that the threads of a product split by rows
/// share one packed B instead of each packing all of it.
void ck_sgemm_pack_b_part(int level, int transB, long k, long n, const float *b, long ldb, const ck_im2col *im2col,
                          long column0, float *dst, long part, long parts);
/// The most rows (output channels) of a product for which ck_sgemm_conv reads a stride-1 or -2 image
/// directly instead of packing its im2col matrix (over more, packing is shared by enough rows to
/// cost less than the direct loads).
#define CK_DIRECT_CONV_MAX_ROWS 128
/// A convolution as C = epilogue(alpha * A * B + beta * C) with B the im2col matrix of its images,
/// read straight from the image (never written out), from column `column0` on: the m x k weights
/// A (or packed_a), k = channels * kH * kW, n output positions.
void ck_sgemm_conv(int level, long m, long n, long k, float alpha, const float *a, long lda,
                   const ck_packed *packed_a, const ck_im2col *im2col, long column0, float beta,
                   float *c, long ldc, const ck_epilogue *epilogue);

/// Floats needed for 3x3 weights [o, c, 3, 3] transformed for Winograd F(2x2, 3x3) and packed.
long ck_winograd_packed_size(int level, long o, long c);
/// Transforms and packs 3x3 weights [o, c, 3, 3] (row-major) into dst for `level`'s kernel.
void ck_winograd_pack(int level, const float *w, long o, long c, float *dst);
/// One image's 3x3 convolution, stride 1, dilation 1, by Winograd F(2x2, 3x3):
/// out [o, outH, outW] = epilogue(conv(x [c, inH, inW], w)) with outH = inH + 2 padH - 2 (and so
/// for W); `packed` from ck_winograd_pack. Runs on the thread pool. Returns 0 (nothing written)
/// when a buffer cannot be allocated or `level` is not available; `packed` must be for `level`.
int ck_winograd_conv(int level, const float *x, long c, long inH, long inW, long padH, long padW,
                     const float *packed, long o, float *out, const ck_epilogue *epilogue);

/// Floats needed for a convolution's weights [o, k] (k = c * kH * kW, row-major) packed for
/// ck_strided_conv: ck_sgemm_pack_b's layout of W^T (32-channel strips).
long ck_strided_conv_packed_size(int level, long o, long k);
/// Packs weights [o, k] (row-major) for ck_strided_conv at `level`.
void ck_strided_conv_pack(int level, const float *w, long o, long k, float *dst);
/// One image's convolution at stride 2 (dilation 1, one group), on AVX-512 (CK_SGEMM_AVX512):
/// out [o, outH, outW] = epilogue(conv(x [c, inH, inW], w [o, c, kH, kW])), output pixel (oy, ox)
/// reading input (2 oy - padH + ky, 2 ox - padW + kx), zero outside the image; the epilogue adds
/// bias[channel] and residual [o, outH, outW] and applies the ReLU (ldr and column_bias unused).
/// `packed` from ck_strided_conv_pack. Runs on the thread pool. Returns 0 (nothing written) for
/// another level, or when its scratch memory cannot be allocated.
int ck_strided_conv(int level, const float *x, long c, long inH, long inW, long kH, long kW, long padH, long padW,
                    long outH, long outW, const float *packed, long o, float *out, const ck_epilogue *epilogue);

/// The geometry of one depthwise convolution plane (dilation 1): output pixel (oh, ow) reads
/// input (oh * strideH - padTop + i, ow * strideW - padLeft + j) for the kH x kW taps (i, j), 0
/// outside the input. The bottom and right padding follow from outH and outW, so TensorFlow's
/// asymmetric "same" padding is expressible. `portable` forces the scalar path (tests).
typedef struct {
  long inH, inW, kH, kW, strideH, strideW, padTop, padLeft, outH, outW;
  int portable;
} ck_depthwise;

/// out [outH, outW] = bias + the plane x [inH, inW] correlated with w [kH, kW]. AVX2 + FMA where
/// the processor has them (checked once, at run time), else scalar; single-threaded.
void ck_depthwise_forward(const ck_depthwise *g, const float *x, const float *w, float bias, float *out);
/// dx [inH, inW] = the gradient of the plane's input for the output gradient gout (overwritten).
void ck_depthwise_input_grad(const ck_depthwise *g, const float *gout, const float *w, float *dx);
/// dw [kH, kW] += the gradient of the plane's weights for input x and output gradient gout.
void ck_depthwise_weight_grad(const ck_depthwise *g, const float *gout, const float *x, float *dw);

/// One task of a parallel loop: called with the loop's context and an index.
typedef void (*ck_task)(void *context, long index);

/// Runs task(context, i) for every i in [0, count) on the calling thread and the pool's workers
/// (one per extra core), returning when all have finished. The workers spin briefly between
/// loops before they sleep, so back-to-back loops start in about a microsecond instead of the
/// tens of microseconds a sleeping thread takes to wake. A loop started while another is running
/// (nested, or from a second thread) runs on its calling thread alone.
void ck_parallel_for(long count, ck_task task, void *context);

/// The number of threads ck_parallel_for uses (the caller included).
long ck_parallel_width(void);

#endif
