// Stride-2 convolutions (ResNet's stride-2 3x3 layers) on AVX-512, by tiles of 14 output pixels
// (of one row, or two rows of 7) x 32 output channels: every depth step (input channel, tap)
// broadcasts the 14 pixels' input values, read from a zero-padded copy of the image at stride 2,
// against one row of the weights packed as 32-channel strips (ck_sgemm_pack_b's layout of W^T),
// and the 14 x 32 sums are transposed in registers into the output's channel rows. The GEMM's
// orientation (12 channels x 32 pixels) has to gather each pixel vector from every second input
// column, which cost these layers a fifth of their time against onnxruntime's NCHWc kernels
// (copying the image into even and odd columns, and tiles whose 32 pixels cross a row of
// outputs); here no vector is ever gathered.
#include "CKernels.h"

#if CK_X86_KERNELS

#include <immintrin.h>
#include <stdlib.h>

#include "sgemm_kernels.h"

#define MR 14  // pixels of a tile: 28 accumulators, two weight vectors and a broadcast fill 31 of 32 registers
#define NR 32  // output channels of a tile: one packed strip
#define TARGET __attribute__((target("avx512f,avx512vl,avx512dq,fma")))
#include "sgemm_avx512_tile.h"  // mask_of, transpose16, store_lanes

#define STRIDE 2

typedef struct {
  const float *xp;      // the padded image: c planes of hp x wp
  long hp, wp;
  const long *offsets;  // depth step p = (channel, ky, kx) -> its tap's offset in xp
  long k, strips;
  const float *packed;  // ck_sgemm_pack_b(CK_SGEMM_AVX512, 1, k, o, w, k)
  long o, outH, outW, row_blocks;
  float *out;
  const ck_epilogue *e;
  const float *x;       // the image, for the padding tasks
  long c, inH, inW, padH, padW;
} job;

// The padded image's channel `ch`: padded (r, col) is the input's (r - padH, col - padW), zero
// outside it. (Not the direct convolution's pad_rows: its vector copies write zeros up to NR
// floats past a row, here into the next channel's first row, which another task may have
// written already.)
static void pad_channel(void *context, long ch) {
  const job *j = context;
  float *dst = (float *)j->xp + ch * j->hp * j->wp;
  const float *plane = j->x + ch * j->inH * j->inW;
  long lo = j->padW < 0 ? 0 : j->padW, hi = j->padW + j->inW < j->wp ? j->padW + j->inW : j->wp;
  for (long r = 0; r < j->hp; r++, dst += j->wp) {
    long iy = r - j->padH;
    if (iy < 0 || iy >= j->inH || hi <= lo) {
      for (long col = 0; col < j->wp; col++) dst[col] = 0;
      continue;
    }
    for (long col = 0; col < lo; col++) dst[col] = 0;
    for (long col = lo; col < hi; col++) dst[col] = plane[iy * j->inW + col - j->padW];
    for (long col = hi; col < j->wp; col++) dst[col] = 0;
  }
}

#define LOAD2(i) c##i##a = _mm512_loadu_ps(partial + (i) * NR), c##i##b = _mm512_loadu_ps(partial + (i) * NR + 16);
#define SAVE2(i) _mm512_storeu_ps(partial + (i) * NR, c##i##a), _mm512_storeu_ps(partial + (i) * NR + 16, c##i##b);
// Pixel i of the tile: its input value at this step, against the strip's two channel vectors.
#define PIXEL(i) PIXEL_AT(i, at)
// Pixel i of a tile whose pixels from `split` on lie in the next output row (the 7-wide rows of
// ResNet's last stage: two rows a tile): read from at2, the same tap one input row pair down.
#define PIXEL_AT(i, at)                         \
  a = _mm512_set1_ps((at)[STRIDE * (i)]);       \
  c##i##a = _mm512_fmadd_ps(a, b0, c##i##a);    \
  c##i##b = _mm512_fmadd_ps(a, b1, c##i##b);
#define STEPS(PIXELS)                                                        \
  for (long p = 0; p < kc; p++) {                                            \
    const float *at = x0 + off[p];                                           \
    __m512 b0 = _mm512_loadu_ps(bp), b1 = _mm512_loadu_ps(bp + 16), a;      \
    _mm_prefetch((const char *)(bp + 8 * NR), _MM_HINT_T0);                  \
    if (p < ahead) {                                                         \
      _mm_prefetch((const char *)(next_b + p * NR), _MM_HINT_T1);            \
      _mm_prefetch((const char *)(next_b + p * NR + 16), _MM_HINT_T1);       \
    }                                                                        \
    _mm_prefetch((const char *)(x0 + off[p + 8 < kc ? p + 8 : p]), _MM_HINT_T0); \
    PIXELS                                                                   \
    bp += NR;                                                                \
  }

// Stores channel vector `half` (0: the strip's channels 0-15, 1: 16-31) of the tile's mr pixels:
// the 14 pixel vectors (and two of zeros) transposed into 16 channel rows of 14 pixels, which
// are consecutive in the output plane (a pair's two rows of 7 too).
TARGET static inline void store_half(__m512 r[16], long half, const job *j, long channel0, long nr, long pixel0,
                                     long mr) {
  transpose16(r);
  const ck_epilogue *e = j->e;
  long plane = j->outH * j->outW;
  __mmask16 m = mask_of(mr);
  __m512 one = _mm512_set1_ps(1);
  for (long q = 0; q < 16 && half * 16 + q < nr; q++) {
    long ch = channel0 + half * 16 + q;
    store_lanes(j->out + ch * plane + pixel0, r[q], m, one, 0, e && e->bias ? e->bias + ch : NULL, NULL,
                e && e->residual ? e->residual + ch * plane + pixel0 : NULL, e && e->relu);
  }
}

// Depth step p's row of strip `strip` in the packed weights (p the first step of a depth block),
// and that block's depth: ck_sgemm_pack_b's layout, as ck_sgemm_packed_b_row gives it.
static const float *strip_block(const job *j, long p, long strip, long *kc) {
  long offset, strip_stride;
  ck_sgemm_packed_b_row(CK_SGEMM_AVX512, j->k, j->o, p, &offset, &strip_stride);
  *kc = strip_stride / NR;
  return j->packed + offset + strip * strip_stride;
}

// Depth steps [pc, pc + kc) of the tile of output row oy, pixels [ox0, ox0 + mr) (mr <= MR; pair:
// MR / 2 of row oy and as many of row oy + 1), channels of strip `strip`: its sums start at zero
// (first) or from `partial` (the MR x 32 sums of the steps before, pixel-major), and go to
// `partial`, or (last) to the output with the epilogue; the strip's weights for those steps at bp
// (strip_block). Meanwhile its first `ahead` steps fetch the weights from next_b on into L2, a
// step's (two lines) each.
TARGET static void tile(const job *j, long strip, long oy, long ox0, long mr, int pair, long pc, long kc,
                        const float *bp, float *partial, int first, int last, const float *next_b, long ahead) {
  ZERO2(0) ZERO2(1) ZERO2(2) ZERO2(3) ZERO2(4) ZERO2(5)
  ZERO2(6) ZERO2(7) ZERO2(8) ZERO2(9) ZERO2(10) ZERO2(11) ZERO2(12) ZERO2(13)
  if (!first) {
    LOAD2(0) LOAD2(1) LOAD2(2) LOAD2(3) LOAD2(4) LOAD2(5)
    LOAD2(6) LOAD2(7) LOAD2(8) LOAD2(9) LOAD2(10) LOAD2(11) LOAD2(12) LOAD2(13)
  }
  const float *x0 = j->xp + oy * STRIDE * j->wp + ox0 * STRIDE;
  const long *off = j->offsets + pc;
  long wrap = STRIDE * j->wp - STRIDE * j->outW;
  if (pair) {
    STEPS(PIXEL(0) PIXEL(1) PIXEL(2) PIXEL(3) PIXEL(4) PIXEL(5) PIXEL(6) PIXEL_AT(7, at + wrap) PIXEL_AT(8, at + wrap)
          PIXEL_AT(9, at + wrap) PIXEL_AT(10, at + wrap) PIXEL_AT(11, at + wrap) PIXEL_AT(12, at + wrap)
          PIXEL_AT(13, at + wrap))
  } else if (mr > 8) {
    STEPS(PIXEL(0) PIXEL(1) PIXEL(2) PIXEL(3) PIXEL(4) PIXEL(5) PIXEL(6) PIXEL(7) PIXEL(8) PIXEL(9) PIXEL(10) PIXEL(11)
          PIXEL(12) PIXEL(13))
  } else if (mr > 4) {
    STEPS(PIXEL(0) PIXEL(1) PIXEL(2) PIXEL(3) PIXEL(4) PIXEL(5) PIXEL(6) PIXEL(7))
  } else {
    STEPS(PIXEL(0) PIXEL(1) PIXEL(2) PIXEL(3))
  }
  if (!last) {
    SAVE2(0) SAVE2(1) SAVE2(2) SAVE2(3) SAVE2(4) SAVE2(5)
    SAVE2(6) SAVE2(7) SAVE2(8) SAVE2(9) SAVE2(10) SAVE2(11) SAVE2(12) SAVE2(13)
    return;
  }
  long channel0 = strip * NR, nr = j->o - channel0 < NR ? j->o - channel0 : NR, pixel0 = oy * j->outW + ox0;
  __m512 z = _mm512_setzero_ps();
  __m512 r[16] = {c0a, c1a, c2a, c3a, c4a, c5a, c6a, c7a, c8a, c9a, c10a, c11a, c12a, c13a, z, z};
  store_half(r, 0, j, channel0, nr, pixel0, mr);
  if (nr > 16) {
    __m512 s[16] = {c0b, c1b, c2b, c3b, c4b, c5b, c6b, c7b, c8b, c9b, c10b, c11b, c12b, c13b, z, z};
    store_half(s, 1, j, channel0, nr, pixel0, mr);
  }
}

#define GROUP 8  // tiles that run each depth block in turn, their weights block in L1 meanwhile

// Task `index`: one strip's output rows of one row block, GROUP tiles at a time (in row order),
// each group depth block by depth block (a tile's whole depth would stream the strip's weights,
// up to 590 KB, through L1 for every tile). While a group runs a depth block, its tiles fetch the
// strip's next one, an even share each: the weights come from memory (ResNet-50's last stride-2
// layer has 9.4 MB of them).
static void rows_task(void *context, long index) {
  const job *j = context;
  // Rows of MR / 2 outputs run two to a tile (pair), and blocks hold whole pairs; other rows run
  // tile by tile along each row.
  int pairs = 2 * j->outW == MR;
  long units = pairs ? (j->outH + 1) / 2 : j->outH;
  long strip = index / j->row_blocks, block = index % j->row_blocks;
  long first = block * units / j->row_blocks, last = (block + 1) * units / j->row_blocks;
  long across = pairs ? 1 : (j->outW + MR - 1) / MR, tiles = (last - first) * across;
  float partial[GROUP * MR * NR];
  for (long t0 = 0; t0 < tiles; t0 += GROUP) {
    long count = tiles - t0 < GROUP ? tiles - t0 : GROUP;
    for (long pc = 0, kc; pc < j->k; pc += kc) {
      const float *bp = strip_block(j, pc, strip, &kc);
      long next_kc = 0;  // no block after the last
      const float *next_b = pc + kc < j->k ? strip_block(j, pc + kc, strip, &next_kc) : NULL;
      long share = (next_kc + count - 1) / count;
      for (long t = t0; t < t0 + count; t++) {
        long oy = pairs ? 2 * (first + t) : first + t / across, ox = pairs ? 0 : t % across * MR;
        int pair = pairs && oy + 1 < j->outH;
        long mr = pair ? MR : j->outW - ox < MR ? j->outW - ox : MR;
        long from = (t - t0) * share, ahead = next_kc - from < share ? next_kc - from : share;
        tile(j, strip, oy, ox, mr, pair, pc, kc, bp, partial + (t - t0) * MR * NR, pc == 0, pc + kc >= j->k,
             ahead > 0 ? next_b + from * NR : NULL, ahead);
      }
    }
  }
}

long ck_strided_conv_packed_size(int level, long o, long k) { return ck_sgemm_packed_b_size(level, k, o); }

void ck_strided_conv_pack(int level, const float *w, long o, long k, float *dst) {
  ck_sgemm_pack_b(level, 1, k, o, w, k, dst);
}

int ck_strided_conv(int level, const float *x, long c, long inH, long inW, long kH, long kW, long padH, long padW,
                    long outH, long outW, const float *packed, long o, float *out, const ck_epilogue *epilogue) {
  if (level != CK_SGEMM_AVX512 || !ck_sgemm_level_available(level)) return 0;
  if (c <= 0 || kH <= 0 || kW <= 0 || outH <= 0 || outW <= 0 || o <= 0) return 0;
  long k = c * kH * kW;
  job j = {.hp = (outH - 1) * STRIDE + kH, .wp = (outW - 1) * STRIDE + kW, .k = k, .strips = (o + NR - 1) / NR, .packed = packed, .o = o, .outH = outH, .outW = outW, .out = out,
           .e = epilogue, .x = x, .c = c, .inH = inH, .inW = inW, .padH = padH, .padW = padW};
  // Per-thread scratch kept between calls (fresh megabytes would fault in their pages each
  // call): the padded image, and slack for the lanes an edge tile computes past its row's end
  // (at most MR - 1 pixels, STRIDE floats each), whose sums are never stored.
  static _Thread_local float *scratch;
  static _Thread_local long *offsets;
  static _Thread_local size_t capacity, offsets_capacity;
  size_t need = (size_t)c * j.hp * j.wp + STRIDE * MR + 16;
  if (capacity < need) {
    free(scratch);
    scratch = malloc(sizeof(float) * need);
    capacity = scratch ? need : 0;
    if (!scratch) return 0;
  }
  if (offsets_capacity < (size_t)k) {
    free(offsets);
    offsets = malloc(sizeof(long) * k);
    offsets_capacity = offsets ? k : 0;
    if (!offsets) return 0;
  }
  for (long p = 0; p < k; p++) {
    long ch = p / (kH * kW), tap = p % (kH * kW);
    offsets[p] = ch * j.hp * j.wp + (tap / kW) * j.wp + tap % kW;
  }
  for (size_t i = (size_t)c * j.hp * j.wp; i < need; i++) scratch[i] = 0;
  j.xp = scratch;
  j.offsets = offsets;
  // Tasks (strip, row block) are taken as they come. A strip's weights are read once per row
  // block: blocks only as many as it takes for about four tasks a core.
  long units = 2 * outW == MR ? (outH + 1) / 2 : outH;  // rows, or row pairs (rows_task)
  long want = (8 * ck_parallel_width() + j.strips - 1) / j.strips;
  j.row_blocks = want < units ? want : units;
  ck_parallel_for(c, pad_channel, &j);
  ck_parallel_for(j.strips * j.row_blocks, rows_task, &j);
  return 1;
}

#endif  // CK_X86_KERNELS
