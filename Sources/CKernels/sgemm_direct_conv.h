// Direct convolution for the packed-panel driver (sgemm_driver.h includes it when the ISA file
// sets DIRECT_CONV): a stride-1 or stride-2, dilation-1 convolution multiplies the weights by
// its im2col matrix without packing that matrix. The input rows a block of outputs reads are
// copied once into a zero-padded image (padW zeros, the row, zeros: width outW + kW - 1), where
// row p of the im2col matrix, tap (c, i, j), is the padded image shifted by one offset, offsets[p]
// = (c * rows + i) * width + j. The micro-kernel then loads its B vectors straight from there. At
// stride 2 each padded row is stored as its even and its odd columns (phase_width below), so the
// taps of consecutive outputs are again consecutive floats.
//
// Stride 2 too because ResNet-50's 7x7 stem (64 output channels, 3 input ones) spent 27% of its
// time packing its im2col matrix: 1.39 -> 1.12 ms on 2 cores of an AMD EPYC (onnxruntime: 1.07).
//
// Why: with few output channels (CIFAR ResNets' 16 to 64) each packed B value is used by only
// that many rows, and packing the im2col matrix cost as much as the product (perf of `evaluate`:
// 45% of the time in pack_b_im2col). The padded copy is one ninth of that traffic for a 3x3
// kernel, in plain row copies. (Tried instead: reading the unpadded image through a lane mask per
// tap, which needs no copy: 7-11% slower on 32- and 16-wide maps, for the mask loads each step.)
//
// Needs from the including file: direct_kernel_rows / direct_kernel_depth, one MR x NR tile
// (direct_kernel_fn below; A laid out as for micro_kernel_rows / micro_kernel_depth).

// One tile: C = act(alpha * Ap * B + beta * C + ...) as micro_kernel_fn, with B's depth step p read
// at offsets[p] from the runs of `t` (direct_tile, sgemm_kernels.h).
typedef void (*direct_kernel_fn)(long kc, const float *restrict ap, const long *restrict offsets,
                                 const direct_tile *t, float *restrict c, long ldc, long mr, long nr,
                                 float alpha, float beta, const float *bias, const float *column_bias,
                                 const float *res, long ldr, int relu);

#define VEC (NR / 2)  // lanes of one B vector

// Per-thread buffers: the padded image rows of a block, and the offsets of its taps.
static _Thread_local void *NAME(buffer_x), *NAME(buffer_offsets);
static _Thread_local size_t NAME(capacity_x), NAME(capacity_offsets);

// The buffer's layout for stride st (1 or 2): each padded input row is st phase rows of
// phase_width floats, phase f holding the row's columns f, f + st, f + 2 st, ... (stride 1: the
// padded row itself). Tap (c, i, j) of output (oh, ow) then reads phase j % st of padded row
// st * oh + i at column ow + j / st: a stride-2 convolution's 16 outputs read 16 consecutive
// floats, as a stride-1 one's do.
static long NAME(phase_width)(const ck_im2col *g) { return g->outW + (g->kW - 1) / g->strideW; }
static long NAME(row_floats)(const ck_im2col *g) { return g->strideW * NAME(phase_width)(g); }

// Whether the direct path runs columns [column, column + n) of this m x k product: stride 1 or 2
// on both axes and dilation 1 (so every tap is a shifted copy of the padded image, or of one of
// its phases); at most 128 rows (CK_DIRECT_CONV_MAX_ROWS; over more, packing is shared by enough
// rows to cost less than the direct loads: sgemm_shapes, one core, AVX2 on ResNet-50's 7x7 layer
// is 10% slower direct at 256 rows, even at 14x14, 10% and 40% faster at 28x28 and 56x56 with 128
// and 64 rows); a block's padded rows within the 4 MB the packed path's B block takes; and each
// VEC-lane vector of every tile (starting at column + a multiple of VEC) inside at most two rows
// of outputs.
static int NAME(direct_fits)(const ck_im2col *g, long m, long k, long column, long n) {
  long st = g->strideH;
  if (m > CK_DIRECT_CONV_MAX_ROWS || g->images > 1 || (st != 1 && st != 2) || g->strideW != st || g->dilationH != 1 ||
      g->dilationW != 1)
    return 0;
  long taps = g->kH * g->kW, rows = (NAME(min_l)(n, NC) / g->outW + 1) * st + g->kH;
  if (taps <= 0 || k % taps != 0 || (double)(k / taps) * rows * NAME(row_floats)(g) > (double)KC * NC) return 0;
  if (g->outW >= VEC - 1) return 1;  // the lanes past a row's end (< VEC - 1) fit in the next row
  for (long v = column; v < column + n; v += VEC) {
    long lanes = NAME(min_l)(VEC, column + n - v), first = g->outW - v % g->outW;
    if (lanes - first > g->outW) return 0;
  }
  return 1;
}

// Rows [row0, row0 + rows) of every channel's padded image, channel after channel: padded row r
// is input row row0 + r - padH (zeros outside the image), column x input column x - padW. The
// image's part of a row is copied NR floats at a time by load_strip_row, whose zero tail may run
// past the row into the next one (written after it) and, for the last row, into the buffer's NR
// floats of slack. Zeros past the copies' zero tail are written only where that tail falls
// short. The border loops are kept from becoming memset calls (no_builtin): their runs are a float
// or two, and a call per row took a fifth of this function's time on CIFAR's 8- to 32-wide rows
// (perf of `evaluate`). (Its cost on CIFAR is otherwise reading the batch's activations from L3,
// which packing paid too.)
TARGET __attribute__((no_builtin("memset"))) static void NAME(pad_rows)(const ck_im2col *g, long channels, long row0,
                                                                     long rows, long width, float *dst) {
  long lo = NAME(min_l)(width, g->padW < 0 ? 0 : g->padW), hi = NAME(min_l)(width, g->padW + g->inW);
  if (hi < lo) hi = lo;
  long zeroed = NAME(min_l)(width, lo + (hi - lo + NR - 1) / NR * NR);  // the copies' zero tail ends here
  for (long c = 0; c < channels; c++) {
    const float *plane = g->x + c * g->inH * g->inW;
    for (long r = 0; r < rows; r++) {
      float *d = dst + (c * rows + r) * width;
      long ih = row0 + r - g->padH;
      if (ih < 0 || ih >= g->inH) {
        for (long x = 0; x < width; x++) d[x] = 0;
        continue;
      }
      const float *line = plane + ih * g->inW + (lo - g->padW);
      for (long x = 0; x < lo; x++) d[x] = 0;
      for (long x = lo; x < hi; x += NR) load_strip_row(d + x, line + (x - lo), NAME(min_l)(NR, hi - x));
      for (long x = zeroed; x < width; x++) d[x] = 0;
    }
  }
}

// pad_rows for stride 2: padded row r (input row row0 + r - padH) as its two phase rows of
// phase_width floats, phase f's column x holding input column 2 x + f - padW (zeros outside the
// image).
static void NAME(pad_rows_phases)(const ck_im2col *g, long channels, long row0, long rows, float *dst) {
  long pw = NAME(phase_width)(g);
  for (long c = 0; c < channels; c++) {
    const float *plane = g->x + c * g->inH * g->inW;
    for (long r = 0; r < rows; r++) {
      float *even = dst + (c * rows + r) * 2 * pw, *odd = even + pw;
      long ih = row0 + r - g->padH;
      if (ih < 0 || ih >= g->inH) {
        for (long x = 0; x < 2 * pw; x++) even[x] = 0;
        continue;
      }
      const float *line = plane + ih * g->inW;
      for (long x = 0; x < pw; x++) {
        long u = 2 * x - g->padW;
        even[x] = u >= 0 && u < g->inW ? line[u] : 0;
        odd[x] = u + 1 >= 0 && u + 1 < g->inW ? line[u + 1] : 0;
      }
    }
  }
}

// The runs of the tile whose first output is column q (nr columns), in a block whose padded rows
// start at output row row0, consecutive output rows `pitch` floats apart in the buffer.
static void NAME(direct_tile_at)(const ck_im2col *g, long q, long nr, long row0, long pitch, const float *xp,
                                 direct_tile *t) {
  t->plain = 1;
  for (int v = 0; v < 2; v++) {
    long first = q + v * VEC, lanes = NAME(min_l)(VEC, nr - v * VEC);
    if (lanes <= 0) {
      t->start[v] = t->next_row[v] = xp;
      t->split[v] = t->lanes[v] = 0;
      t->plain = 0;
      continue;
    }
    long oh = first / g->outW, ow = first % g->outW, split = NAME(min_l)(lanes, g->outW - ow);
    t->start[v] = xp + (oh - row0) * pitch + ow;
    // Lane l >= split reads column l - split of the next row.
    t->next_row[v] = split < lanes ? xp + (oh + 1 - row0) * pitch - split : t->start[v];
    t->split[v] = split;
    t->lanes[v] = lanes;
    if (lanes < VEC || split < lanes) t->plain = 0;
  }
}

// The driver's product (same arguments) for an im2col matrix direct_fits takes; pa is the A
// packing buffer when A is not prepacked.
static void NAME(direct_conv)(long m, long n, long k, float alpha, const float *a, long lda,
                              const ck_packed *packed_a, float *pa, const ck_im2col *g, long column0,
                              float beta, float *c, long ldc, const ck_epilogue *e) {
  long taps = g->kH * g->kW, channels = k / taps, kc_step = NAME(depth_step)(k), st = g->strideW;
  long pw = NAME(phase_width)(g), row_floats = NAME(row_floats)(g);
  long *offsets = NAME(ensure)(&NAME(buffer_offsets), &NAME(capacity_offsets), (size_t)k * sizeof(long));
  if (!offsets) abort();  // out of memory for a few KB
  direct_kernel_fn kernel = packed_a && PREPACKED_A_DEPTH_MAJOR ? direct_kernel_depth : direct_kernel_rows;
  for (long jc = 0; jc < n; jc += NC) {
    long nc = NAME(min_l)(NC, n - jc), first = column0 + jc;
    long row0 = first / g->outW, rows = ((first + nc - 1) / g->outW - row0) * st + g->kH;
    float *xp = NAME(ensure)(&NAME(buffer_x), &NAME(capacity_x), (size_t)(channels * rows * row_floats + NR) * sizeof(float));
    if (!xp) abort();  // out of memory for a block's rows (NC outputs' worth)
    if (st == 1)
      NAME(pad_rows)(g, channels, row0, rows, pw, xp);
    else
      NAME(pad_rows_phases)(g, channels, row0 * st, rows, xp);
    for (long p = 0, ch = 0, i = 0, j = 0; p < k; p++) {
      offsets[p] = (ch * rows + i) * row_floats + (j % st) * pw + j / st;
      if (++j == g->kW) {
        j = 0;
        if (++i == g->kH) { i = 0; ch++; }
      }
    }
    for (long pc = 0; pc < k; pc += kc_step) {
      long kc = NAME(min_l)(kc_step, k - pc);
      int last = pc + kc >= k;
      float be = pc == 0 ? beta : 1.0f;
      for (long ic = 0; ic < m; ic += MC) {
        long mc = NAME(min_l)(MC, m - ic);
        const float *ablock = NAME(a_block)(0, a, lda, packed_a, pa, pc, kc_step, kc, ic, mc);
        for (long jr = 0; jr < nc; jr += NR) {
          long nr = NAME(min_l)(NR, nc - jr);
          direct_tile t;
          NAME(direct_tile_at)(g, first + jr, nr, row0, st * row_floats, xp, &t);
          for (long ir = 0; ir < mc; ir += MR) {
            kernel(kc, ablock + ir * AS, offsets + pc, &t, c + (ic + ir) * ldc + jc + jr, ldc,
                   NAME(min_l)(MR, mc - ir), nr, alpha, be, TILE_EPILOGUE(ic + ir, jc + jr));
          }
        }
      }
    }
  }
}

#undef VEC
