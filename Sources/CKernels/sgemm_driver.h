// The packed-panel SGEMM driver (Goto/BLIS form), written once and included by each ISA's kernel
// file (sgemm_avx512.c, sgemm_avx2.c). B is packed into NR-column strips, A into MR-row strips, and
// an MR x NR register tile accumulates one strip pair.
//
// The including file defines, before including it:
//   MR, NR, KC, MC, NC, AS   tile rows/columns, depth/row/column blocks, packed A row stride
//   PREPACKED_A_DEPTH_MAJOR  1: ck_sgemm_pack_a stores A depth-major (p * MR + i), 0: row-major
//   TARGET                   the target attribute of its functions
//   NAME(x)                  the ISA's name for driver function x (e.g. avx2_##x)
//   load_strip_row(dst, src, nr)   dst[0, NR) = src[0, nr) then zeros (nr <= NR)
//   copy_window(out, line, len, lo, hi)   out[t] = line[t] for t in [lo, hi), 0 elsewhere in [0, len)
//                                         (len <= NR, 0 <= lo <= hi <= len)
//   copy_even(out, line, len)   out[t] = line[2 t] for t < len (len <= NR), reading nothing past
//                               line[2 (len - 1)]
//   micro_kernel_rows / micro_kernel_depth   one tile (signature of micro_kernel_fn below),
//                                            A row-major (i * AS + p) or depth-major (p * MR + i)
// and optionally, for float32 kernels that also run direct convolutions (sgemm_direct_conv.h):
//   DIRECT_CONV 1, direct_kernel_rows / direct_kernel_depth   (signature of direct_kernel_fn there)
// and optionally, for float32 kernels with narrower tiles for a last strip of fewer than NR columns:
//   NARROW_STRIPS 1, narrow_strip(kc, ablock, mc, bp, c, ldc, nr, alpha, beta, bias, column_bias,
//                                 res, ldr, relu)   every row tile of the strip (A row-major);
//                                                   returns 0 to leave the strip to the full tile
// and optionally:
//   PACK_B_TRANSPOSED 1, pack_b_transposed(dst, src, ldb, kc, nr)   one strip of a transposed B
//                                             (dst[p * NR + j] = src[j * ldb + p], zero past nr)
//   UNPACKED_B 1, micro_kernel_unpacked_rows / micro_kernel_unpacked_depth   one tile of a whole
//                                             strip read in place (unpacked_kernel_fn below)
//   UNPACKED_A 1, micro_kernel_in_place_a   one tile of 12 rows of A read in place (row i at
//                                             ap + i * lda) against a packed B strip
// and optionally, for kernels whose panels are not float32 (bf16):
//   finish_a_strip(strip, depth_major, kc)   rewrite a packed A strip (laid out as above) in place
//   finish_b_strip(strip, kc)                rewrite a packed B strip (p * NR + j) in place
// They run on every strip the driver packs (per call, prepacked and im2col alike) and may use
// less of it than the float32 layout, whose sizes and offsets the driver keeps.
// and gets NAME(kernel), the sgemm_kernel (sgemm_kernels.h) that sgemm.c calls from the
// ck_sgemm_* entry points.

#include <stdlib.h>
#include <string.h>

#include "sgemm_kernels.h"

#ifndef NARROW_STRIPS
#define NARROW_STRIPS 0
#endif
#ifndef PACK_B_TRANSPOSED
#define PACK_B_TRANSPOSED 0
#endif

#ifndef finish_a_strip  // float32 panels: the kernel reads what was packed
#define finish_a_strip(strip, depth_major, kc) ((void)0)
#define finish_b_strip(strip, kc) ((void)0)
#endif

// One MR x NR tile: C = act(alpha * Ap * Bp + beta * C + bias[row] + column_bias[column] +
// residual), storing only the top-left mr x nr corner (the padding rows and columns of the packed
// panels are zeros). Any of bias, column_bias, res may be NULL.
typedef void (*micro_kernel_fn)(long kc, const float *restrict ap, const float *restrict bp, float *restrict c,
                                long ldc, long mr, long nr, float alpha, float beta, const float *bias,
                                const float *column_bias, const float *res, long ldr, int relu);

static long NAME(min_l)(long a, long b) { return a < b ? a : b; }

// One MR x NR tile (as micro_kernel_fn) whose B is read in place: row p at bp + p * ldb.
typedef void (*unpacked_kernel_fn)(long kc, const float *restrict ap, const float *restrict bp, long ldb,
                                   float *restrict c, long ldc, long mr, long nr, float alpha, float beta,
                                   const float *bias, const float *column_bias, const float *res, long ldr,
                                   int relu, const float *next_c, const float *next_r);

#ifndef UNPACKED_B
#define UNPACKED_B 0
#endif
#ifndef UNPACKED_A
#define UNPACKED_A 0
#endif

// Per-thread packing buffers, grown on demand and kept for the thread's lifetime.
static _Thread_local void *NAME(buffer_a), *NAME(buffer_b);
static _Thread_local size_t NAME(capacity_a), NAME(capacity_b);

// `buffer` with room for at least `bytes` (64-byte aligned), or NULL when that cannot be had.
static void *NAME(ensure)(void **buffer, size_t *capacity, size_t bytes) {
  if (*capacity < bytes) {
    free(*buffer);
    *buffer = aligned_alloc(64, (bytes + 63) / 64 * 64);
    *capacity = *buffer ? bytes : 0;
  }
  return *buffer;
}

// Packs op(A)[0..<mc, 0..<kc] (a points at its first element) into MR-row strips of MR * AS
// floats, the last strip padded with zero rows. Untransposed A packed per call keeps its rows
// (element (i, p) of a strip at i * AS + p: a plain copy); transposed A, and untransposed A when
// depth_major is set (prepacked weights, copied once), is stored depth-major (at p * MR + i), so
// the micro-kernel reads one contiguous stream.
static void NAME(pack_a_block)(int transA, int depth_major, long mc, long kc, const float *a, long lda, float *dst) {
  for (long ir = 0; ir < mc; ir += MR) {
    long mr = NAME(min_l)(MR, mc - ir);
    if (transA) {
      for (long p = 0; p < kc; p++) {
        const float *src = a + p * lda + ir;
        float *d = dst + p * MR;
        long i = 0;
        for (; i < mr; i++) d[i] = src[i];
        for (; i < MR; i++) d[i] = 0;
      }
    } else if (depth_major) {
      for (long i = 0; i < MR; i++) {
        const float *src = a + (ir + i) * lda;
        for (long p = 0; p < kc; p++) dst[p * MR + i] = i < mr ? src[p] : 0;
      }
    } else {
      for (long i = 0; i < mr; i++) memcpy(dst + i * AS, a + (ir + i) * lda, (size_t)kc * sizeof(float));
      for (long i = mr; i < MR; i++) memset(dst + i * AS, 0, (size_t)kc * sizeof(float));
    }
    finish_a_strip(dst, transA || depth_major, kc);
    dst += MR * AS;
  }
}

// Packs op(B)[0..<kc, 0..<nc] into NR-column strips, each stored row by row (NR values per step
// of k), the last strip padded with zeros.
TARGET static void NAME(pack_b_block)(int transB, long kc, long nc, const float *b, long ldb, float *dst) {
  for (long jr = 0; jr < nc; jr += NR) {
    long nr = NAME(min_l)(NR, nc - jr);
    if (!transB) {
      for (long p = 0; p < kc; p++) load_strip_row(dst + p * NR, b + p * ldb + jr, nr);
    } else {
#if PACK_B_TRANSPOSED
      pack_b_transposed(dst, b + jr * ldb, ldb, kc, nr);
#else
      for (long j = 0; j < nr; j++) {
        const float *src = b + (jr + j) * ldb;
        for (long p = 0; p < kc; p++) dst[p * NR + j] = src[p];
      }
      for (long j = nr; j < NR; j++)
        for (long p = 0; p < kc; p++) dst[p * NR + j] = 0;
#endif
    }
    finish_b_strip(dst, kc);
    dst += NR * kc;
  }
}

// Packs columns [column, column + nc) and rows [row, row + kc) of the im2col matrix of one image
// (rows: channel-major taps (c, i, j); columns: output positions) straight from the image, in
// pack_b_block's layout, so the convolution never writes its column matrix. Each NR-column strip
// is cut at output-row boundaries into runs that read one input row each.
TARGET static void NAME(pack_b_im2col)(const ck_im2col *g, long row, long kc, long column, long nc, float *dst) {
  long taps = g->kH * g->kW, plane = g->inH * g->inW;
  // The tap (c, i, j) of the block's first row; later rows step through it without dividing.
  long c0 = row / taps, i0 = (row % taps) / g->kW, j0 = row % g->kW;
  for (long jr = 0; jr < nc; jr += NR) {
    long nr = NAME(min_l)(NR, nc - jr);
    // Runs of the strip: first strip column, length, image, and the input row/column of tap
    // (0, 0). A run ends with its row of outputs, so also with its image.
    long run_t[NR], run_len[NR], run_ih[NR], run_iw[NR], runs = 0;
    const float *run_x[NR];
    for (long t = 0; t < nr;) {
      long q = column + jr + t, image = g->images > 1 ? q / g->outPlane : 0;
      q -= image * g->outPlane;
      long oh = q / g->outW, ow = q % g->outW;
      long len = NAME(min_l)(nr - t, g->outW - ow);
      run_x[runs] = g->x + image * g->imageStride;
      run_t[runs] = t;
      run_len[runs] = len;
      run_ih[runs] = oh * g->strideH - g->padH;
      run_iw[runs] = ow * g->strideW - g->padW;
      runs++;
      t += len;
    }
    long c = c0, i = i0, j = j0;
    for (long p = 0; p < kc; p++) {
      float *d = dst + p * NR;
      long di = i * g->dilationH, dj = j * g->dilationW;
      for (long u = 0; u < runs; u++) {
        const float *src = run_x[u] + c * plane;
        float *out = d + run_t[u];
        long len = run_len[u], ih = run_ih[u] + di, iw0 = run_iw[u] + dj;
        if (ih < 0 || ih >= g->inH) {
          copy_window(out, src, len, 0, 0);
        } else if (g->strideW == 1) {
          // Zeros where the run leaves the row (the padding), the row's values in between: a
          // padded convolution's edge taps (two of every three on a 32-wide CIFAR map) too.
          long lo = NAME(min_l)(len, iw0 < 0 ? -iw0 : 0), hi = NAME(min_l)(len, g->inW - iw0);
          copy_window(out, src + ih * g->inW + iw0, len, lo, hi < lo ? lo : hi);
        } else if (iw0 >= 0 && iw0 + (len - 1) * g->strideW < g->inW) {
          // Strided, inside the row: no bounds checks (a stride-2 stem's interior).
          const float *line = src + ih * g->inW + iw0;
          if (g->strideW == 2)
            copy_even(out, line, len);
          else
            for (long t = 0; t < len; t++) out[t] = line[t * g->strideW];
        } else {
          const float *line = src + ih * g->inW;
          for (long t = 0; t < len; t++) {
            long iw = iw0 + t * g->strideW;
            out[t] = iw >= 0 && iw < g->inW ? line[iw] : 0;
          }
        }
      }
      for (long t = nr; t < NR; t++) d[t] = 0;
      if (++j == g->kW) {
        j = 0;
        if (++i == g->kH) { i = 0; c++; }
      }
    }
    finish_b_strip(dst, kc);
    dst += NR * kc;
  }
}

// C = act(beta * C + bias + column bias + residual) for an empty product (k == 0).
static void NAME(scale_only)(long m, long n, float beta, float *c, long ldc, const ck_epilogue *e) {
  for (long i = 0; i < m; i++) {
    float *row = c + i * ldc;
    for (long j = 0; j < n; j++) {
      float v = (beta == 0 ? 0 : beta * row[j]) + (e->bias ? e->bias[i] : 0);
      if (e->column_bias) v += e->column_bias[j];
      if (e->residual) v += e->residual[i * e->ldr + j];
      row[j] = e->relu && v < 0 ? 0 : v;
    }
  }
}

// The depth blocking, shared by the driver and the prepacking functions: even blocks of at most
// KC, so the last one is not a sliver.
static long NAME(depth_step)(long k) {
  long kblocks = (k + KC - 1) / KC;
  return (k + kblocks - 1) / kblocks;
}

static long NAME(packed_a_size)(long m, long k) {
  long step = NAME(depth_step)(k), kblocks = (k + step - 1) / step, strips = (m + MR - 1) / MR;
  return kblocks * strips * MR * AS;
}

static long NAME(packed_b_size)(long k, long n) {
  long strips = (n + NR - 1) / NR;
  return strips * NR * k;
}

// Prepacked A: for every depth block, all its MR-row strips (MR * AS floats each) in order.
static const float *NAME(prepacked_a_block)(const ck_packed *packed, long pc, long kc_step, long row) {
  long strips = (packed->count + MR - 1) / MR;
  return packed->data + ((pc / kc_step) * strips + (packed->offset + row) / MR) * MR * AS;
}

// Prepacked B: for every depth block (of depth kc), all its NR-column strips (NR * kc each).
static const float *NAME(prepacked_b_block)(const ck_packed *packed, long pc, long kc, long column) {
  long strips = (packed->count + NR - 1) / NR;
  return packed->data + strips * NR * pc + ((packed->offset + column) / NR) * NR * kc;
}

// Rows [ic, ic + mc) and depths [pc, pc + kc) of op(A) as the micro-kernel reads them: the block
// of the prepacked operand, or packed into pa now.
static const float *NAME(a_block)(int transA, const float *a, long lda, const ck_packed *packed_a, float *pa,
                                  long pc, long kc_step, long kc, long ic, long mc) {
  if (packed_a) return NAME(prepacked_a_block)(packed_a, pc, kc_step, ic);
  NAME(pack_a_block)(transA, 0, mc, kc, transA ? a + pc * lda + ic : a + ic * lda + pc, lda, pa);
  return pa;
}

// The epilogue arguments of the tile whose top-left element is C's (row, column), in the
// drivers' loops (their `e` and `last`): bias, column bias, residual, its stride and the
// activation apply on the last depth block only.
#define TILE_EPILOGUE(row, column)                                                              \
  last && e->bias ? e->bias + (row) : NULL, last && e->column_bias ? e->column_bias + (column) : NULL, \
      last && e->residual ? e->residual + (row) * e->ldr + (column) : NULL, e->ldr, last && e->relu

#ifndef DIRECT_CONV
#define DIRECT_CONV 0
#endif
#if DIRECT_CONV
#include "sgemm_direct_conv.h"
#endif

static void NAME(pack_a)(long m, long k, const float *a, long lda, float *dst) {
  long step = NAME(depth_step)(k), strips = (m + MR - 1) / MR;
  for (long pc = 0; pc < k; pc += step) {
    long kc = NAME(min_l)(step, k - pc);
    for (long s = 0; s < strips; s++) {
      float *strip = dst + ((pc / step) * strips + s) * MR * AS;
      memset(strip, 0, (size_t)MR * AS * sizeof(float));
      NAME(pack_a_block)(0, PREPACKED_A_DEPTH_MAJOR, NAME(min_l)(MR, m - s * MR), kc, a + s * MR * lda + pc, lda, strip);
    }
  }
}

static void NAME(pack_b)(int transB, long k, long n, const float *b, long ldb, float *dst) {
  long step = NAME(depth_step)(k), strips = (n + NR - 1) / NR;
  for (long pc = 0; pc < k; pc += step) {
    long kc = NAME(min_l)(step, k - pc);
    NAME(pack_b_block)(transB, kc, n, transB ? b + pc : b + pc * ldb, ldb, dst + strips * NR * pc);
  }
}

// Part `part` of `parts` of pack_b's layout, from b or from an im2col matrix: see
// ck_sgemm_pack_b_part.
static void NAME(pack_b_part)(int transB, long k, long n, const float *b, long ldb, const ck_im2col *im2col,
                              long column0, float *dst, long part, long parts) {
  long step = NAME(depth_step)(k), strips = (n + NR - 1) / NR, units = (k + step - 1) / step * strips;
  for (long u = units * part / parts; u < units * (part + 1) / parts; u++) {
    long pc = u / strips * step, kc = NAME(min_l)(step, k - pc), jr = u % strips * NR, nr = NAME(min_l)(NR, n - jr);
    float *strip = dst + strips * NR * pc + jr * kc;
    if (im2col)
      NAME(pack_b_im2col)(im2col, pc, kc, column0 + jr, nr, strip);
    else
      NAME(pack_b_block)(transB, kc, nr, transB ? b + jr * ldb + pc : b + pc * ldb + jr, ldb, strip);
  }
}

// Where pack_b puts row p of a k x n B (float32 panels): see ck_sgemm_packed_b_row.
static void NAME(packed_b_row)(long k, long n, long p, long *offset, long *strip_stride) {
  long step = NAME(depth_step)(k), pc = p / step * step, strips = (n + NR - 1) / NR;
  *offset = strips * NR * pc + (p - pc) * NR;
  *strip_stride = NR * NAME(min_l)(step, k - pc);
}

// The blocked product behind every entry point. B comes from b, from packed_b, or (im2col set)
// from an image through its im2col matrix, starting at column column0.
static void NAME(driver)(int transA, int transB, long m, long n, long k, float alpha, const float *a, long lda,
                         const ck_packed *packed_a, const float *b, long ldb, const ck_packed *packed_b,
                         const ck_im2col *im2col, long column0, float beta, float *c, long ldc,
                         const ck_epilogue *epilogue) {
  if (m <= 0 || n <= 0) return;
  const ck_epilogue none = {0};
  const ck_epilogue *e = epilogue ? epilogue : &none;
  if (k <= 0) {
    NAME(scale_only)(m, n, beta, c, ldc, e);
    return;
  }
  long kc_step = NAME(depth_step)(k);
  float *pa = packed_a ? NULL : NAME(ensure)(&NAME(buffer_a), &NAME(capacity_a), (size_t)MC * AS * sizeof(float));
  if (!packed_a && !pa) abort();  // out of memory for a few hundred KB
#if DIRECT_CONV
  if (im2col && NAME(direct_fits)(im2col, m, k, column0, n)) {
    NAME(direct_conv)(m, n, k, alpha, a, lda, packed_a, pa, im2col, column0, beta, c, ldc, e);
    return;
  }
#endif
  float *pb = packed_b ? NULL : NAME(ensure)(&NAME(buffer_b), &NAME(capacity_b), (size_t)KC * NC * sizeof(float));
  if (!packed_b && !pb) abort();  // out of memory for a few MB
  // A transposed A is packed depth-major, an untransposed one row-major, a prepacked one as the
  // ISA chose.
  micro_kernel_fn kernel = packed_a ? (PREPACKED_A_DEPTH_MAJOR ? micro_kernel_depth : micro_kernel_rows)
                           : transA ? micro_kernel_depth : micro_kernel_rows;
  // A plain B is read in place by the tile (UNPACKED_B kernels), its whole strips never copied,
  // when at most 512 rows share each strip: a 1x1 convolution's image rows are then read about
  // as fast as packed ones, and packing them cost up to 9% (sgemm_shapes on one core of an AMD
  // EPYC: ResNet-50's 1x1 layers 104-108 -> 108-113 GFLOPS, 64x3136x256 backward 103 -> 110).
  // Over more rows packing is shared enough, and its contiguous strips stay in L1 better.
#if UNPACKED_B
  int in_place = !packed_b && !im2col && !transB && m <= 512;
  unpacked_kernel_fn unpacked = kernel == micro_kernel_depth ? micro_kernel_unpacked_depth : micro_kernel_unpacked_rows;
#else
  int in_place = 0;
#endif
  // An untransposed A is read in place by the tile (UNPACKED_A kernel), never copied, against a
  // prepacked B (a linear layer's activations against its weights), in column blocks of whole
  // strips; the last row tile, when it is not whole, is packed (the tile reads 12 rows). Copying
  // A cost ViT-S's fc2 (197 x 1536 activations, both cores copying all of them) 3%, and its
  // linear layers 0.6 ms of 40 (2 cores of an AMD EPYC).
#if UNPACKED_A
  int a_in_place = !packed_a && !transA && packed_b;
#else
  int a_in_place = 0;
#endif
  for (long jc = 0; jc < n; jc += NC) {
    long nc = NAME(min_l)(NC, n - jc);
    for (long pc = 0; pc < k; pc += kc_step) {
      long kc = NAME(min_l)(kc_step, k - pc);
      int last = pc + kc >= k;
      float be = pc == 0 ? beta : 1.0f;
      const float *bblock = pb;
      if (packed_b)
        bblock = NAME(prepacked_b_block)(packed_b, pc, kc, jc);
      else if (im2col)
        NAME(pack_b_im2col)(im2col, pc, kc, column0 + jc, nc, pb);
      else if (in_place)  // only the last strip, when it is not whole: into pb's first strip
        NAME(pack_b_block)(0, kc, nc % NR, b + pc * ldb + jc + nc / NR * NR, ldb, pb);
      else
        NAME(pack_b_block)(transB, kc, nc, transB ? b + jc * ldb + pc : b + pc * ldb + jc, ldb, pb);
      for (long ic = 0; ic < m; ic += MC) {
        long mc = NAME(min_l)(MC, m - ic), whole = mc / MR * MR;
        int a_here = a_in_place && nc % NR == 0;
        const float *ablock = pa;
        if (!a_here)
          ablock = NAME(a_block)(transA, a, lda, packed_a, pa, pc, kc_step, kc, ic, mc);
        else if (whole < mc)  // the last row tile alone, into pa's first strip
          NAME(pack_a_block)(0, 0, mc - whole, kc, a + (ic + whole) * lda + pc, lda, pa);
        for (long jr = 0; jr < nc; jr += NR) {
#if UNPACKED_A
          // Prepacked B (weights) is read once per pass, from memory: the first half of this
          // strip's whole row tiles fetch the strip read next into L2, an even share of its lines
          // each (by the second half, so that it is there in time). The whole tiles also fetch
          // the next tile's C rows in the first depth block, whose stores would otherwise wait
          // for them (ViT-S's linear layers, one core of an AMD EPYC, weights and C cold: 40.3
          // -> 39.1 ms).
          const float *next_b = NULL;
          long next_lines = 0, fetching = (whole / MR + 1) / 2;
          if (a_here && fetching > 0) {
            if (jr + NR < nc) {
              next_b = bblock + (jr + NR) * kc, next_lines = kc * NR / 16;
            } else if (ic + MC < m) {
              next_b = bblock, next_lines = kc * NR / 16;
            } else if (pc + kc < k) {
              long kc2 = NAME(min_l)(kc_step, k - pc - kc);
              next_b = NAME(prepacked_b_block)(packed_b, pc + kc, kc2, jc), next_lines = kc2 * NR / 16;
            }
          }
          long share = fetching > 0 ? (next_lines + fetching - 1) / fetching : 0;
#endif
#if UNPACKED_B
          if (in_place && nc - jr >= NR) {
            for (long ir = 0; ir < mc; ir += MR) {
              // The next tile, when it is whole: MR rows down, or the next strip's first.
              long row = -1, column = jc + jr;
              if (ir + 2 * MR <= mc)
                row = ic + ir + MR;
              else if (ir + MR >= mc && jr + 2 * NR <= nc && mc >= MR)
                row = ic, column = jc + jr + NR;
              unpacked(kc, ablock + ir * AS, b + pc * ldb + jc + jr, ldb, c + (ic + ir) * ldc + jc + jr, ldc,
                       NAME(min_l)(MR, mc - ir), NR, alpha, be, TILE_EPILOGUE(ic + ir, jc + jr),
                       row >= 0 && pc == 0 ? c + row * ldc + column : NULL,
                       row >= 0 && last && e->residual ? e->residual + row * e->ldr + column : NULL);
            }
            continue;
          }
#endif
          // This strip as packed: the block's, or (B read in place) the last one, alone in pb.
          const float *strip = in_place ? pb : bblock + jr * kc;
#if NARROW_STRIPS
          long nr = NAME(min_l)(NR, nc - jr);
          if (nr < NR && kernel == micro_kernel_rows &&
              narrow_strip(kc, ablock, mc, strip, c + ic * ldc + jc + jr, ldc, nr, alpha, be, TILE_EPILOGUE(ic, jc + jr)))
            continue;
#endif
          for (long ir = 0; ir < mc; ir += MR) {
#if UNPACKED_A
            if (a_here && ir < whole) {
              long first = ir / MR * share, ahead = NAME(min_l)(NAME(min_l)(share, kc), next_lines - first);
              micro_kernel_in_place_a(kc, a + (ic + ir) * lda + pc, lda, strip, c + (ic + ir) * ldc + jc + jr, ldc, MR, NR,
                                      alpha, be, TILE_EPILOGUE(ic + ir, jc + jr), ahead > 0 ? next_b + first * 16 : NULL,
                                      ahead, pc == 0 && ir + 2 * MR <= whole ? c + (ic + ir + MR) * ldc + jc + jr : NULL);
              continue;
            }
#endif
            kernel(kc, a_here ? pa : ablock + ir * AS, strip, c + (ic + ir) * ldc + jc + jr, ldc,
                   NAME(min_l)(MR, mc - ir), NAME(min_l)(NR, nc - jr), alpha, be, TILE_EPILOGUE(ic + ir, jc + jr));
          }
        }
      }
    }
  }
}

const sgemm_kernel NAME(kernel) = {MR, NR, NAME(packed_a_size), NAME(packed_b_size), NAME(pack_a), NAME(pack_b),
                                   NAME(pack_b_part), NAME(packed_b_row), NAME(driver)};
