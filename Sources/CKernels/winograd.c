// 3x3 stride-1 convolutions by Winograd's F(2x2, 3x3): each 2x2 output tile is
// A^T [(G g G^T) .* (B^T d B)] A for its 4x4 input patch d, so the products become 16 GEMMs of
// (out x in) . (in x tiles), with 16 multiplications per tile and channel pair instead of 36.
// The weight transform is done once per layer (ck_winograd_pack); the input and output transforms
// run per call, the 16 products on the SGEMM kernel of the caller's level with the weights prepacked.
#include "CKernels.h"

#if CK_X86_KERNELS  // the whole file; portable.c defines its entry points otherwise

#include <immintrin.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define XI 16  // 4x4 transformed positions

long ck_winograd_packed_size(int level, long o, long c) { return XI * ck_sgemm_packed_a_size(level, o, c); }

void ck_winograd_pack(int level, const float *w, long o, long c, float *dst) {
  long each = ck_sgemm_packed_a_size(level, o, c);
  float *u = malloc(sizeof(float) * XI * o * c);
  if (!u) abort();
  for (long p = 0; p < o; p++) {
    for (long q = 0; q < c; q++) {
      const float *g = w + (p * c + q) * 9;
      // t = G g (4x3), then U = t G^T (4x4); G = [1 0 0; .5 .5 .5; .5 -.5 .5; 0 0 1].
      float t[4][3];
      for (int j = 0; j < 3; j++) {
        t[0][j] = g[j];
        t[1][j] = 0.5f * (g[j] + g[3 + j] + g[6 + j]);
        t[2][j] = 0.5f * (g[j] - g[3 + j] + g[6 + j]);
        t[3][j] = g[6 + j];
      }
      for (int i = 0; i < 4; i++) {
        float v[4] = {t[i][0], 0.5f * (t[i][0] + t[i][1] + t[i][2]), 0.5f * (t[i][0] - t[i][1] + t[i][2]), t[i][2]};
        for (int j = 0; j < 4; j++) u[((long)(i * 4 + j) * o + p) * c + q] = v[j];
      }
    }
  }
  for (int xi = 0; xi < XI; xi++) ck_sgemm_pack_a(level, o, c, u + (long)xi * o * c, c, dst + xi * each);
  free(u);
}

typedef struct {
  int level;
  const float *x;
  long c, inH, inW, padH, padW, outH, outW, tilesH, tilesW, tiles, o;
  const float *packed;
  long packed_each;
  // V: packed (v_packed) in the SGEMM's packed-B layout, strips of v_nr tiles, v_each floats per
  // position, so the 16 products read it as it is; or (the bf16 level, whose packed B holds bf16
  // pairs) plain, V[xi][channel][tile], packed by each product.
  int v_packed;
  long v_nr, v_each;
  float *v, *m, *out;
  const ck_epilogue *e;
} job;

// Where channel k's row of V starts (position 0), and how far apart the row's strips are.
static void v_row(const job *j, long k, long *offset, long *strip_stride) {
  if (j->v_packed) {
    ck_sgemm_packed_b_row(j->level, j->c, j->tiles, k, offset, strip_stride);
  } else {
    *offset = k * j->tiles;
    *strip_stride = 0;
  }
}

// Where a vector of `width` tiles from tile `first` of the channel's row of V (at `row`) is
// stored: lanes [0, *split) from the returned address on, and lanes [*split, width), when the
// vector crosses into the next packed strip, at *next + lane. Tile t is lane t % v_nr of strip
// t / v_nr; plain V is one strip as wide as the row, which nothing crosses.
static float *v_destination(const job *j, long row, long strip_stride, long first, long width, long *split, float **next) {
  float *dst = j->v + row + (j->v_packed ? first / j->v_nr * strip_stride + first % j->v_nr : first);
  *split = j->v_packed ? j->v_nr - first % j->v_nr : width;
  *next = dst + strip_stride - j->v_nr;
  return dst;
}

// Lanes [lo, hi) of a 16-lane mask, each bound clamped to [0, 16].
static inline unsigned lanes16(long lo, long hi) {
  lo = lo < 0 ? 0 : lo > 16 ? 16 : lo;
  hi = hi < 0 ? 0 : hi > 16 ? 16 : hi;
  return hi > lo ? ((1u << hi) - 1) & ~((1u << lo) - 1) : 0;
}

// V[xi][channel][tile] = (B^T d B)[xi]; B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1].
// Sixteen tiles of a tile row at a time: their 4x4 patches come from four input rows, loaded
// through lane masks that leave the padding (columns and rows outside the image) zero, and split
// into even and odd columns with two permutes per row and column pair. A vector of tiles that
// crosses from one packed strip into the next is stored as two masked parts.
#define AVX512 __attribute__((target("avx512f,avx512vl,avx512dq,fma")))
AVX512 static void transform_tile_row(const job *j, long channel, long ty, long row, long strip_stride) {
  const float *plane = j->x + channel * j->inH * j->inW;
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
  {
    for (long tx = 0; tx < j->tilesW; tx += 16) {
      long nt = j->tilesW - tx < 16 ? j->tilesW - tx : 16, x0 = 2 * tx - j->padW;
      // The patches read input columns x0 + [0, 34): four overlapping 16-lane windows.
      __mmask16 w[4];
      for (int q = 0; q < 4; q++) {
        long first = x0 + (q & 1) * 16 + (q >> 1) * 2;
        w[q] = (__mmask16)lanes16(-first, j->inW - first);
      }
      __m512 d[4][4];
      for (int r = 0; r < 4; r++) {
        long h = 2 * ty - j->padH + r;
        if (h < 0 || h >= j->inH) {
          for (int q = 0; q < 4; q++) d[r][q] = _mm512_setzero_ps();
          continue;
        }
        const float *p = plane + h * j->inW + x0;
        __m512 lo = _mm512_maskz_loadu_ps(w[0], p), hi = _mm512_maskz_loadu_ps(w[1], p + 16);
        __m512 lo2 = _mm512_maskz_loadu_ps(w[2], p + 2), hi2 = _mm512_maskz_loadu_ps(w[3], p + 18);
        d[r][0] = _mm512_permutex2var_ps(lo, even, hi);
        d[r][1] = _mm512_permutex2var_ps(lo, odd, hi);
        d[r][2] = _mm512_permutex2var_ps(lo2, even, hi2);
        d[r][3] = _mm512_permutex2var_ps(lo2, odd, hi2);
      }
      __m512 t[4][4];
      for (int c = 0; c < 4; c++) {
        t[0][c] = _mm512_sub_ps(d[0][c], d[2][c]);
        t[1][c] = _mm512_add_ps(d[1][c], d[2][c]);
        t[2][c] = _mm512_sub_ps(d[2][c], d[1][c]);
        t[3][c] = _mm512_sub_ps(d[1][c], d[3][c]);
      }
      // Tiles first .. first + nt - 1: lanes [0, split) in one strip, the rest in the next.
      long split;
      float *next, *dst = v_destination(j, row, strip_stride, ty * j->tilesW + tx, 16, &split, &next);
      __mmask16 m0 = (__mmask16)lanes16(0, nt < split ? nt : split), m1 = (__mmask16)lanes16(split, nt);
      for (int r = 0; r < 4; r++) {
        __m512 out[4] = {_mm512_sub_ps(t[r][0], t[r][2]), _mm512_add_ps(t[r][1], t[r][2]),
                         _mm512_sub_ps(t[r][2], t[r][1]), _mm512_sub_ps(t[r][1], t[r][3])};
        for (int s = 0; s < 4; s++) {
          long at = (r * 4 + s) * j->v_each;
          _mm512_mask_storeu_ps(dst + at, m0, out[s]);
          if (m1) _mm512_mask_storeu_ps(next + at, m1, out[s]);
        }
      }
    }
  }
}

// The same transform on AVX2: eight tiles at a time, the even and odd columns of 16 floats split
// by an in-lane shuffle and a cross-lane permute.
#define AVX2 __attribute__((target("avx2,fma")))
AVX2 static inline __m256i lanes8(long lo, long hi) {
  __m256i index = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  lo = lo < 0 ? 0 : lo > 8 ? 8 : lo;
  hi = hi < 0 ? 0 : hi > 8 ? 8 : hi;
  return _mm256_andnot_si256(_mm256_cmpgt_epi32(_mm256_set1_epi32((int)lo), index),
                             _mm256_cmpgt_epi32(_mm256_set1_epi32((int)hi), index));
}

AVX2 static void transform_tile_row_avx2(const job *j, long channel, long ty, long row, long strip_stride) {
  const float *plane = j->x + channel * j->inH * j->inW;
  {
    for (long tx = 0; tx < j->tilesW; tx += 8) {
      long nt = j->tilesW - tx < 8 ? j->tilesW - tx : 8, x0 = 2 * tx - j->padW;
      __m256i w[4];
      for (int q = 0; q < 4; q++) {
        long first = x0 + (q & 1) * 8 + (q >> 1) * 2;
        w[q] = lanes8(-first, j->inW - first);
      }
      __m256 d[4][4];
      for (int r = 0; r < 4; r++) {
        long h = 2 * ty - j->padH + r;
        if (h < 0 || h >= j->inH) {
          for (int q = 0; q < 4; q++) d[r][q] = _mm256_setzero_ps();
          continue;
        }
        const float *p = plane + h * j->inW + x0;
        __m256 lo = _mm256_maskload_ps(p, w[0]), hi = _mm256_maskload_ps(p + 8, w[1]);
        __m256 lo2 = _mm256_maskload_ps(p + 2, w[2]), hi2 = _mm256_maskload_ps(p + 10, w[3]);
        // shuffle gives [lo0 lo2 hi0 hi2 | lo4 lo6 hi4 hi6]; the permute puts the lanes in order.
        d[r][0] = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(lo, hi, 0x88)), 0xD8));
        d[r][1] = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(lo, hi, 0xDD)), 0xD8));
        d[r][2] = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(lo2, hi2, 0x88)), 0xD8));
        d[r][3] = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(lo2, hi2, 0xDD)), 0xD8));
      }
      __m256 t[4][4];
      for (int c = 0; c < 4; c++) {
        t[0][c] = _mm256_sub_ps(d[0][c], d[2][c]);
        t[1][c] = _mm256_add_ps(d[1][c], d[2][c]);
        t[2][c] = _mm256_sub_ps(d[2][c], d[1][c]);
        t[3][c] = _mm256_sub_ps(d[1][c], d[3][c]);
      }
      long split;
      float *next, *dst = v_destination(j, row, strip_stride, ty * j->tilesW + tx, 8, &split, &next);
      __m256i m0 = lanes8(0, nt < split ? nt : split), m1 = lanes8(split, nt);
      int crosses = split < nt;
      for (int r = 0; r < 4; r++) {
        __m256 out[4] = {_mm256_sub_ps(t[r][0], t[r][2]), _mm256_add_ps(t[r][1], t[r][2]),
                         _mm256_sub_ps(t[r][2], t[r][1]), _mm256_sub_ps(t[r][1], t[r][3])};
        for (int s = 0; s < 4; s++) {
          long at = (r * 4 + s) * j->v_each;
          _mm256_maskstore_ps(dst + at, m0, out[s]);
          if (crosses) _mm256_maskstore_ps(next + at, m1, out[s]);
        }
      }
    }
  }
}

// One task of the input transform: tile row ty of CHANNEL_BLOCK channels (task ty * blocks +
// block), so that consecutive channels write consecutive rows of each packed strip. (A channel's
// tiles alone are spread over every strip of the row: channel by channel took twice as long;
// blocks of 4, 16, 32 and 64 channels took 0.30, 0.21, 0.17 and 0.23 ms on ResNet-50's 56x56
// layer, 0.18, 0.12, 0.10 and 0.09 ms on its 14x14 one, on 2 cores of an AMD EPYC.) Each
// channel's row of the last strip is zero past the last tile, as packing leaves it.
#define CHANNEL_BLOCK 32
static void input_transform(void *context, long index) {
  const job *j = context;
  long blocks = (j->c + CHANNEL_BLOCK - 1) / CHANNEL_BLOCK, ty = index / blocks, c0 = index % blocks * CHANNEL_BLOCK;
  long c1 = c0 + CHANNEL_BLOCK < j->c ? c0 + CHANNEL_BLOCK : j->c, used = j->v_packed ? j->tiles % j->v_nr : 0;
  for (long channel = c0; channel < c1; channel++) {
    long row, strip_stride;
    v_row(j, channel, &row, &strip_stride);
    if (j->level == CK_SGEMM_AVX2)
      transform_tile_row_avx2(j, channel, ty, row, strip_stride);
    else
      transform_tile_row(j, channel, ty, row, strip_stride);
    if (ty == 0 && used) {
      float *pad = j->v + row + (j->tiles / j->v_nr) * strip_stride;
      for (int xi = 0; xi < XI; xi++) memset(pad + xi * j->v_each + used, 0, sizeof(float) * (size_t)(j->v_nr - used));
    }
  }
}

// M[xi] = U[xi] . V[xi] for one of the 16 positions.
static void products(void *context, long xi) {
  const job *j = context;
  ck_packed u = {j->packed + xi * j->packed_each, j->o, 0}, v = {j->v + xi * j->v_each, j->tiles, 0};
  ck_sgemm_packed(j->level, 0, 0, j->o, j->tiles, j->c, 1.0f, NULL, j->c, &u, v.data, j->tiles,
                  j->v_packed ? &v : NULL, 0.0f, j->m + xi * j->o * j->tiles, j->tiles, NULL);
}

// out = epilogue(A^T M A) per tile; A^T = [1 1 1 0; 0 1 -1 -1].
static void output_transform(void *context, long channel) {
  const job *j = context;
  const ck_epilogue *e = j->e;
  long stride = j->o * j->tiles, plane = j->outH * j->outW;
  float b = e && e->bias ? e->bias[channel] : 0;
  const float *res = e && e->residual ? e->residual + channel * plane : NULL;
  int relu = e && e->relu;
  float *out = j->out + channel * plane;
  for (long ty = 0; ty < j->tilesH; ty++) {
    for (long tx = 0; tx < j->tilesW; tx++) {
      const float *src = j->m + channel * j->tiles + ty * j->tilesW + tx;
      float m[4][4];
      for (int xi = 0; xi < XI; xi++) m[xi / 4][xi % 4] = src[xi * stride];
      float t[2][4];
      for (int s = 0; s < 4; s++) {
        t[0][s] = m[0][s] + m[1][s] + m[2][s];
        t[1][s] = m[1][s] - m[2][s] - m[3][s];
      }
      for (int r = 0; r < 2; r++) {
        long h = 2 * ty + r;
        if (h >= j->outH) break;
        float y[2] = {t[r][0] + t[r][1] + t[r][2], t[r][1] - t[r][2] - t[r][3]};
        for (int s = 0; s < 2; s++) {
          long w = 2 * tx + s;
          if (w >= j->outW) break;
          float v = y[s] + b;
          if (res) v += res[h * j->outW + w];
          out[h * j->outW + w] = relu && !(v > 0) ? 0 : v;
        }
      }
    }
  }
}

// The same transform on AVX-512: sixteen tiles of a tile row at a time (their M values are
// contiguous), the two output columns of each tile interleaved into 32 consecutive outputs. The
// same additions in the same order as the scalar transform.
AVX512 static void output_transform_avx512(void *context, long channel) {
  const job *j = context;
  const ck_epilogue *e = j->e;
  long stride = j->o * j->tiles, plane = j->outH * j->outW;
  __m512 b = _mm512_set1_ps(e && e->bias ? e->bias[channel] : 0), zero = _mm512_setzero_ps();
  const float *res = e && e->residual ? e->residual + channel * plane : NULL;
  int relu = e && e->relu;
  float *out = j->out + channel * plane;
  // Output 2k takes column 0 of tile k, output 2k + 1 column 1: lanes of (y0, y1) in that order.
  const __m512i first = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const __m512i second = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  for (long ty = 0; ty < j->tilesH; ty++) {
    for (long tx = 0; tx < j->tilesW; tx += 16) {
      long nt = j->tilesW - tx < 16 ? j->tilesW - tx : 16, columns = j->outW - 2 * tx;
      if (columns > 32) columns = 32;
      __mmask16 m = (__mmask16)((1u << nt) - 1);
      uint32_t stored = columns >= 32 ? 0xFFFFFFFFu : (1u << columns) - 1;
      __mmask16 lo = (__mmask16)stored, hi = (__mmask16)(stored >> 16);
      const float *src = j->m + channel * j->tiles + ty * j->tilesW + tx;
      __m512 mv[4][4];
      for (int xi = 0; xi < XI; xi++) mv[xi / 4][xi % 4] = _mm512_maskz_loadu_ps(m, src + xi * stride);
      __m512 t[2][4];
      for (int s = 0; s < 4; s++) {
        t[0][s] = _mm512_add_ps(_mm512_add_ps(mv[0][s], mv[1][s]), mv[2][s]);
        t[1][s] = _mm512_sub_ps(_mm512_sub_ps(mv[1][s], mv[2][s]), mv[3][s]);
      }
      for (int r = 0; r < 2; r++) {
        long h = 2 * ty + r;
        if (h >= j->outH) break;
        __m512 y0 = _mm512_add_ps(_mm512_add_ps(t[r][0], t[r][1]), t[r][2]);
        __m512 y1 = _mm512_sub_ps(_mm512_sub_ps(t[r][1], t[r][2]), t[r][3]);
        __m512 v[2] = {_mm512_add_ps(_mm512_permutex2var_ps(y0, first, y1), b),
                       _mm512_add_ps(_mm512_permutex2var_ps(y0, second, y1), b)};
        float *row = out + h * j->outW + 2 * tx;
        __mmask16 masks[2] = {lo, hi};
        for (int k = 0; k < 2; k++) {
          if (res) v[k] = _mm512_add_ps(v[k], _mm512_maskz_loadu_ps(masks[k], res + h * j->outW + 2 * tx + 16 * k));
          // relu && !(v > 0) ? 0 : v, as the scalar transform (NaN becomes 0).
          if (relu) v[k] = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v[k], zero, _CMP_GT_OQ), zero, v[k]);
          _mm512_mask_storeu_ps(row + 16 * k, masks[k], v[k]);
        }
      }
    }
  }
}

int ck_winograd_conv(int level, const float *x, long c, long inH, long inW, long padH, long padW,
                     const float *packed, long o, float *out, const ck_epilogue *epilogue) {
  long outH = inH + 2 * padH - 2, outW = inW + 2 * padW - 2;
  if (!ck_sgemm_level_available(level)) return 0;
  if (outH <= 0 || outW <= 0 || c <= 0 || o <= 0) return 0;
  job j = {.level = level, .x = x, .c = c, .inH = inH, .inW = inW, .padH = padH, .padW = padW, .outH = outH, .outW = outW,
           .tilesH = (outH + 1) / 2, .tilesW = (outW + 1) / 2, .o = o, .packed = packed,
           .packed_each = ck_sgemm_packed_a_size(level, o, c), .out = out, .e = epilogue};
  j.tiles = j.tilesH * j.tilesW;
  j.v_packed = level != CK_SGEMM_AVX512_BF16;
  j.v_nr = ck_sgemm_tile_columns(level);
  j.v_each = j.v_packed ? ck_sgemm_packed_b_size(level, c, j.tiles) : c * j.tiles;
  // Per-thread scratch kept between calls: fresh multi-megabyte buffers would fault in their
  // pages on every call.
  static _Thread_local float *scratch;
  static _Thread_local size_t capacity;
  size_t need = (size_t)XI * ((size_t)j.v_each + (size_t)o * (size_t)j.tiles);
  if (capacity < need) {
    free(scratch);
    scratch = malloc(sizeof(float) * need);
    capacity = scratch ? need : 0;
    if (!scratch) return 0;
  }
  j.v = scratch;
  j.m = scratch + (size_t)XI * j.v_each;
  ck_parallel_for(j.tilesH * ((c + CHANNEL_BLOCK - 1) / CHANNEL_BLOCK), input_transform, &j);
  ck_parallel_for(XI, products, &j);
  ck_parallel_for(o, level == CK_SGEMM_AVX2 ? output_transform : output_transform_avx512, &j);
  return 1;
}

#endif  // CK_X86_KERNELS
