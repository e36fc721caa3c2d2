// libpng decoding: every libpng call runs under setjmp, errors become return codes. Encoding is
// png_encode.c.
#include "CImageSupport.h"

#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/// Per-call state reachable from libpng callbacks (kept in memory, so safe across longjmp).
typedef struct {
  const unsigned char *data;
  size_t size;
  size_t position;
  char *message;
  int code;
  unsigned char *rows;   // decode: the libpng-format pixels
  unsigned char *rgb;    // decode: the result
  png_bytep *rowPointers;
} png_state;

static void set_message(char *message, const char *text) {
  snprintf(message, CIS_MESSAGE_CAPACITY, "%s", text);
  for (char *p = message; *p; p++) {
    if (*p == '\n' || *p == '\r') *p = ' ';
  }
}

static void on_error(png_structp png, png_const_charp text) {
  png_state *state = (png_state *)png_get_error_ptr(png);
  if (state->code == CIS_OK) {
    state->code = CIS_ERROR;
    set_message(state->message, text);
  }
  png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp text) {
  (void)png;
  (void)text;  // Warnings (e.g. unknown ancillary chunks) are not fatal and not printed.
}

static void read_bytes(png_structp png, png_bytep target, size_t count) {
  png_state *state = (png_state *)png_get_io_ptr(png);
  if (count > state->size - state->position) {
    png_error(png, "unexpected end of data (truncated file)");
  }
  memcpy(target, state->data + state->position, count);
  state->position += count;
}

int cis_png_decode(const unsigned char *data, size_t size, uint64_t maxPixels, cis_image *out) {
  memset(out, 0, sizeof *out);
  if (size < 8 || png_sig_cmp(data, 0, 8) != 0) {
    set_message(out->message, "not a PNG file (bad signature)");
    return CIS_ERROR;
  }
  png_state *state = calloc(1, sizeof *state);
  if (!state) return CIS_NO_MEMORY;
  state->data = data;
  state->size = size;
  state->message = out->message;

  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, state, on_error, on_warning);
  png_infop info = png ? png_create_info_struct(png) : NULL;
  if (!png || !info) {
    png_destroy_read_struct(&png, NULL, NULL);
    free(state);
    set_message(out->message, "out of memory");
    return CIS_NO_MEMORY;
  }
  if (setjmp(png_jmpbuf(png))) {
    int code = state->code == CIS_OK ? CIS_ERROR : state->code;
    png_destroy_read_struct(&png, &info, NULL);
    free(state->rows);
    free(state->rgb);
    free(state->rowPointers);
    free(state);
    return code;
  }
  png_set_read_fn(png, state, read_bytes);
  // A bad CRC is an error for every chunk, critical or ancillary.
  png_set_crc_action(png, PNG_CRC_ERROR_QUIT, PNG_CRC_ERROR_QUIT);
  png_read_info(png, info);

  png_uint_32 width = png_get_image_width(png, info);
  png_uint_32 height = png_get_image_height(png, info);
  if ((uint64_t)width * (uint64_t)height > maxPixels) {
    state->code = CIS_TOO_LARGE;
    snprintf(out->message, CIS_MESSAGE_CAPACITY,
             "declared size %ux%u (%llu pixels) exceeds the limit of %llu pixels",
             (unsigned)width, (unsigned)height,
             (unsigned long long)width * height, (unsigned long long)maxPixels);
    png_longjmp(png, 1);
  }
  int colorType = png_get_color_type(png, info);
  int bitDepth = png_get_bit_depth(png, info);
  if (colorType == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if (colorType == PNG_COLOR_TYPE_GRAY && bitDepth < 8) png_set_expand_gray_1_2_4_to_8(png);
  if (bitDepth == 16) png_set_strip_16(png);  // high byte, as Pillow's "RGB;16B" unpacker
  png_set_interlace_handling(png);
  png_read_update_info(png, info);

  size_t channels = png_get_channels(png, info);
  size_t rowBytes = png_get_rowbytes(png, info);
  if (channels < 1 || channels > 4 || rowBytes != channels * width) {
    state->code = CIS_UNSUPPORTED;
    snprintf(out->message, CIS_MESSAGE_CAPACITY, "unexpected PNG layout (%zu channels)", channels);
    png_longjmp(png, 1);
  }
  state->rows = malloc(rowBytes * height + 1);
  state->rowPointers = malloc(sizeof(png_bytep) * (height + 1));
  state->rgb = malloc((size_t)width * height * 3 + 1);
  if (!state->rows || !state->rowPointers || !state->rgb) {
    state->code = CIS_NO_MEMORY;
    set_message(out->message, "out of memory");
    png_longjmp(png, 1);
  }
  for (png_uint_32 y = 0; y < height; y++) state->rowPointers[y] = state->rows + y * rowBytes;
  png_read_image(png, state->rowPointers);
  png_read_end(png, NULL);

  size_t count = (size_t)width * height;
  const unsigned char *src = state->rows;
  unsigned char *dst = state->rgb;
  for (size_t i = 0; i < count; i++, src += channels, dst += 3) {
    if (channels <= 2) {
      dst[0] = dst[1] = dst[2] = src[0];  // grey (+ alpha dropped)
    } else {
      dst[0] = src[0];  // RGB (+ alpha dropped)
      dst[1] = src[1];
      dst[2] = src[2];
    }
  }
  out->width = (int)width;
  out->height = (int)height;
  out->pixels = state->rgb;
  state->rgb = NULL;
  png_destroy_read_struct(&png, &info, NULL);
  free(state->rows);
  free(state->rowPointers);
  free(state);
  return CIS_OK;
}
