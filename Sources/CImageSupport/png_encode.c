// PNG encoding in row bands that are filtered and deflated independently, so a large figure is
// compressed on every core (pigz's approach: each band but the last ends in a sync flush, so the
// pieces concatenate into one deflate stream; their Adler-32s combine). The band sizes depend on
// the image alone, so the bytes do not depend on the number of cores.
#include "CImageSupport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

// libpng's heuristic's cost of a filtered byte: its absolute value as a signed byte.
static inline unsigned cost(unsigned char v) {
  int s = (signed char)v;
  return (unsigned)(s < 0 ? -s : s);
}

// Writes the filter byte and the filtered row (n bytes, bpp per pixel) to out: of None, Sub, Up,
// Average and Paeth the first with the smallest summed cost, as libpng's adaptive filtering
// picks. prev is the previous row (zeros for the first). scratch holds 4 * n bytes. One
// branch-free loop computes all five, so the compiler vectorises it.
static void filter_row(const unsigned char *cur, const unsigned char *prev, size_t n, size_t bpp,
                       unsigned char *out, unsigned char *scratch) {
  unsigned char *sub = scratch, *up = scratch + n, *average = scratch + 2 * n, *paeth = scratch + 3 * n;
  unsigned none_sum = 0, sub_sum = 0, up_sum = 0, average_sum = 0, paeth_sum = 0;
  size_t head = bpp < n ? bpp : n;
  for (size_t i = 0; i < head; i++) {  // the first pixel: left and upper-left are zero
    unsigned char x = cur[i], b = prev[i];
    sub[i] = x;
    up[i] = (unsigned char)(x - b);
    average[i] = (unsigned char)(x - (b >> 1));
    paeth[i] = (unsigned char)(x - b);
    none_sum += cost(x);
    sub_sum += cost(sub[i]);
    up_sum += cost(up[i]);
    average_sum += cost(average[i]);
    paeth_sum += cost(paeth[i]);
  }
  for (size_t i = head; i < n; i++) {
    int x = cur[i], a = cur[i - bpp], b = prev[i], c = prev[i - bpp];
    int p = b - c, q = a - c;
    int pa = p < 0 ? -p : p, pb = q < 0 ? -q : q, pc = p + q < 0 ? -(p + q) : p + q;
    int predicted = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    sub[i] = (unsigned char)(x - a);
    up[i] = (unsigned char)(x - b);
    average[i] = (unsigned char)(x - ((a + b) >> 1));
    paeth[i] = (unsigned char)(x - predicted);
    none_sum += cost((unsigned char)x);
    sub_sum += cost(sub[i]);
    up_sum += cost(up[i]);
    average_sum += cost(average[i]);
    paeth_sum += cost(paeth[i]);
  }
  unsigned best = none_sum;
  unsigned char filter = 0;
  const unsigned char *chosen = cur;
  if (sub_sum < best) { best = sub_sum; filter = 1; chosen = sub; }
  if (up_sum < best) { best = up_sum; filter = 2; chosen = up; }
  if (average_sum < best) { best = average_sum; filter = 3; chosen = average; }
  if (paeth_sum < best) { filter = 4; chosen = paeth; }
  out[0] = filter;
  memcpy(out + 1, chosen, n);
}

// Deflates all of `in` into a growing malloc'd buffer; `flush` is Z_SYNC_FLUSH or Z_FINISH.
static int deflate_all(z_stream *z, unsigned char *in, size_t count, int flush, cis_png_band *band) {
  size_t capacity = deflateBound(z, (uLong)count) + 64;
  band->bytes = malloc(capacity);
  if (!band->bytes) return CIS_NO_MEMORY;
  z->next_in = in;
  z->avail_in = (uInt)count;
  for (;;) {
    z->next_out = band->bytes + band->count;
    z->avail_out = (uInt)(capacity - band->count);
    int status = deflate(z, flush);
    band->count = capacity - z->avail_out;
    if (status == Z_STREAM_END || (status == Z_OK && z->avail_out > 0 && z->avail_in == 0)) return CIS_OK;
    if (status != Z_OK && status != Z_BUF_ERROR) return CIS_ERROR;
    unsigned char *grown = realloc(band->bytes, capacity * 2);
    if (!grown) return CIS_NO_MEMORY;
    band->bytes = grown;
    capacity *= 2;
  }
}

int cis_png_deflate_band(const unsigned char *samples, int width, int channels, int y0, int y1, int last,
                         int level, int runLength, cis_png_band *band) {
  memset(band, 0, sizeof *band);
  size_t n = (size_t)width * (size_t)channels, rows = (size_t)(y1 - y0);
  band->filteredCount = rows * (n + 1);
  unsigned char *filtered = malloc(band->filteredCount);
  unsigned char *scratch = malloc(4 * n);
  unsigned char *zeros = y0 == 0 ? calloc(n, 1) : NULL;
  int code = filtered && scratch && (y0 > 0 || zeros) ? CIS_OK : CIS_NO_MEMORY;
  if (code == CIS_OK) {
    for (size_t r = 0; r < rows; r++) {
      size_t y = (size_t)y0 + r;
      filter_row(samples + y * n, y == 0 ? zeros : samples + (y - 1) * n, n, (size_t)channels,
                 filtered + r * (n + 1), scratch);
    }
    band->adler = adler32(adler32(0, Z_NULL, 0), filtered, (uInt)band->filteredCount);
    z_stream z;
    memset(&z, 0, sizeof z);
    // Raw deflate (negative window bits): the zlib header and trailer are written once, by cis_png_assemble.
    if (deflateInit2(&z, level, Z_DEFLATED, -15, 8, runLength ? Z_RLE : Z_DEFAULT_STRATEGY) != Z_OK) {
      code = CIS_NO_MEMORY;
    } else {
      code = deflate_all(&z, filtered, band->filteredCount, last ? Z_FINISH : Z_SYNC_FLUSH, band);
      deflateEnd(&z);
    }
  }
  free(filtered);
  free(scratch);
  free(zeros);
  if (code != CIS_OK) {
    free(band->bytes);
    band->bytes = NULL;
    band->count = 0;
  }
  return code;
}

static unsigned char *put32(unsigned char *p, uint32_t v) {
  p[0] = (unsigned char)(v >> 24);
  p[1] = (unsigned char)(v >> 16);
  p[2] = (unsigned char)(v >> 8);
  p[3] = (unsigned char)v;
  return p + 4;
}

// Writes a chunk (length, type, data, CRC over type and data) at p; returns the end.
static unsigned char *put_chunk(unsigned char *p, const char *type, const unsigned char *data, size_t count) {
  p = put32(p, (uint32_t)count);
  memcpy(p, type, 4);
  if (count) memcpy(p + 4, data, count);
  uLong crc = crc32(crc32(0, Z_NULL, 0), p, (uInt)(count + 4));
  return put32(p + 4 + count, (uint32_t)crc);
}

#define IDAT_MAX (1u << 20)  // bytes of image data per IDAT chunk

int cis_png_assemble(int width, int height, int channels, int level, int runLength, const cis_png_band *bands,
                     int count, cis_buffer *out) {
  memset(out, 0, sizeof *out);
  // The zlib stream: a 2-byte header (FLEVEL as zlib's deflate sets it), the bands, the Adler-32.
  size_t streamCount = 2 + 4;
  for (int i = 0; i < count; i++) streamCount += bands[i].count;
  unsigned char *stream = malloc(streamCount);
  size_t chunks = (streamCount + IDAT_MAX - 1) / IDAT_MAX;
  size_t capacity = 8 + 25 + chunks * 12 + streamCount + 12;
  out->bytes = malloc(capacity);
  if (!stream || !out->bytes) {
    free(stream);
    free(out->bytes);
    out->bytes = NULL;
    snprintf(out->message, CIS_MESSAGE_CAPACITY, "out of memory");
    return CIS_NO_MEMORY;
  }
  unsigned flags = runLength || level < 2 ? 0 : level < 6 ? 1 : level == 6 ? 2 : 3;
  unsigned header = (0x78u << 8) | (flags << 6);
  header += 31 - header % 31;
  stream[0] = (unsigned char)(header >> 8);
  stream[1] = (unsigned char)header;
  unsigned char *s = stream + 2;
  uLong adler = adler32(0, Z_NULL, 0);
  for (int i = 0; i < count; i++) {
    memcpy(s, bands[i].bytes, bands[i].count);
    s += bands[i].count;
    adler = adler32_combine(adler, bands[i].adler, (z_off_t)bands[i].filteredCount);
  }
  put32(s, (uint32_t)adler);

  static const unsigned char signature[8] = {137, 80, 78, 71, 13, 10, 26, 10};
  unsigned char ihdr[13];
  put32(put32(ihdr, (uint32_t)width), (uint32_t)height);
  ihdr[8] = 8;                       // bit depth
  ihdr[9] = channels == 1 ? 0 : 2;   // grey or RGB
  ihdr[10] = ihdr[11] = ihdr[12] = 0;  // deflate, adaptive filtering, no interlace
  unsigned char *p = out->bytes;
  memcpy(p, signature, 8);
  p = put_chunk(p + 8, "IHDR", ihdr, 13);
  for (size_t at = 0; at < streamCount; at += IDAT_MAX) {
    size_t piece = streamCount - at < IDAT_MAX ? streamCount - at : IDAT_MAX;
    p = put_chunk(p, "IDAT", stream + at, piece);
  }
  p = put_chunk(p, "IEND", NULL, 0);
  out->count = (size_t)(p - out->bytes);
  free(stream);
  return CIS_OK;
}
