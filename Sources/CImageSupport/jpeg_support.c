// libjpeg wrappers: every libjpeg call runs under setjmp, errors become return codes.
#include "CImageSupport.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

/// libjpeg error manager that jumps back instead of exiting and never prints.
typedef struct {
  struct jpeg_error_mgr pub;
  jmp_buf jump;
  char *message;
  int code;
  unsigned char *rgb;       // decode: result
  unsigned char *row;       // decode: one scanline (CMYK) / encode: unused
  unsigned char *encoded;   // encode: jpeg_mem_dest buffer
  unsigned long encodedCount;
} jpeg_state;

static void keep_message(j_common_ptr cinfo) {
  jpeg_state *state = (jpeg_state *)cinfo->err;
  if (state->code == CIS_OK) {
    char text[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, text);
    snprintf(state->message, CIS_MESSAGE_CAPACITY, "%s", text);
    for (char *p = state->message; *p; p++) {
      if (*p == '\n' || *p == '\r') *p = ' ';
    }
    state->code = CIS_ERROR;
  }
}

static void on_error_exit(j_common_ptr cinfo) {
  keep_message(cinfo);
  longjmp(((jpeg_state *)cinfo->err)->jump, 1);
}

static void on_emit_message(j_common_ptr cinfo, int level) {
  if (level < 0) {
    // A premature end of data is only a warning to libjpeg (it pads with grey); Pillow
    // refuses such files ("image file is truncated"), and so do we.
    if (cinfo->err->msg_code == JWRN_JPEG_EOF) on_error_exit(cinfo);
    cinfo->err->num_warnings++;
  }
}

static void on_output_message(j_common_ptr cinfo) { (void)cinfo; }

static void install_errors(jpeg_state *state, char *message) {
  jpeg_std_error(&state->pub);
  state->pub.error_exit = on_error_exit;
  state->pub.emit_message = on_emit_message;
  state->pub.output_message = on_output_message;
  state->message = message;
}

/// Pillow's MULDIV255 and cmyk2rgb (Convert.c), applied to Adobe-inverted CMYK samples.
static inline unsigned char muldiv255(int a, int b) {
  int t = a * b + 128;
  return (unsigned char)(((t >> 8) + t) >> 8);
}

static void inverted_cmyk_to_rgb(const unsigned char *in, unsigned char *out, size_t count) {
  for (size_t x = 0; x < count; x++, in += 4, out += 3) {
    int c = 255 - in[0], m = 255 - in[1], y = 255 - in[2], k = 255 - in[3];
    int nk = 255 - k;
    int r = nk - muldiv255(c, nk), g = nk - muldiv255(m, nk), b = nk - muldiv255(y, nk);
    out[0] = (unsigned char)(r < 0 ? 0 : r > 255 ? 255 : r);
    out[1] = (unsigned char)(g < 0 ? 0 : g > 255 ? 255 : g);
    out[2] = (unsigned char)(b < 0 ? 0 : b > 255 ? 255 : b);
  }
}

int cis_jpeg_decode(const unsigned char *data, size_t size, uint64_t maxPixels, cis_image *out) {
  memset(out, 0, sizeof *out);
  if (size < 3 || data[0] != 0xFF || data[1] != 0xD8) {
    snprintf(out->message, CIS_MESSAGE_CAPACITY, "not a JPEG file (no SOI marker)");
    return CIS_ERROR;
  }
  jpeg_state *state = calloc(1, sizeof *state);
  struct jpeg_decompress_struct *cinfo = calloc(1, sizeof *cinfo);
  if (!state || !cinfo) {
    free(state);
    free(cinfo);
    return CIS_NO_MEMORY;
  }
  install_errors(state, out->message);
  cinfo->err = &state->pub;
  if (setjmp(state->jump)) {
    int code = state->code == CIS_OK ? CIS_ERROR : state->code;
    jpeg_destroy_decompress(cinfo);
    free(state->rgb);
    free(state->row);
    free(state);
    free(cinfo);
    return code;
  }
  jpeg_create_decompress(cinfo);
  jpeg_mem_src(cinfo, data, (unsigned long)size);
  jpeg_read_header(cinfo, TRUE);

  uint64_t pixels = (uint64_t)cinfo->image_width * cinfo->image_height;
  if (pixels > maxPixels) {
    state->code = CIS_TOO_LARGE;
    snprintf(out->message, CIS_MESSAGE_CAPACITY,
             "declared size %ux%u (%llu pixels) exceeds the limit of %llu pixels",
             (unsigned)cinfo->image_width, (unsigned)cinfo->image_height,
             (unsigned long long)pixels, (unsigned long long)maxPixels);
    longjmp(state->jump, 1);
  }
  out->sourceColorSpace = (int)cinfo->jpeg_color_space;
  int cmyk = 0;
  switch (cinfo->jpeg_color_space) {
  case JCS_GRAYSCALE:
  case JCS_YCbCr:
  case JCS_RGB:
    cinfo->out_color_space = JCS_RGB;
    break;
  case JCS_CMYK:
  case JCS_YCCK:
    cinfo->out_color_space = JCS_CMYK;
    cmyk = 1;
    break;
  default:
    state->code = CIS_UNSUPPORTED;
    snprintf(out->message, CIS_MESSAGE_CAPACITY, "JPEG colour space %d with %d components",
             (int)cinfo->jpeg_color_space, cinfo->num_components);
    longjmp(state->jump, 1);
  }
  cinfo->dct_method = JDCT_ISLOW;
  cinfo->do_fancy_upsampling = TRUE;
  jpeg_start_decompress(cinfo);

  size_t width = cinfo->output_width, height = cinfo->output_height;
  state->rgb = malloc(width * height * 3 + 1);
  state->row = malloc(width * 4 + 1);
  if (!state->rgb || !state->row) {
    state->code = CIS_NO_MEMORY;
    snprintf(out->message, CIS_MESSAGE_CAPACITY, "out of memory");
    longjmp(state->jump, 1);
  }
  while (cinfo->output_scanline < cinfo->output_height) {
    size_t y = cinfo->output_scanline;
    JSAMPROW target = cmyk ? state->row : state->rgb + y * width * 3;
    if (jpeg_read_scanlines(cinfo, &target, 1) != 1) {
      state->code = CIS_ERROR;
      snprintf(out->message, CIS_MESSAGE_CAPACITY, "JPEG data ended early");
      longjmp(state->jump, 1);
    }
    if (cmyk) inverted_cmyk_to_rgb(state->row, state->rgb + y * width * 3, width);
  }
  // All scanlines are in; what follows (EOI, trailing bytes) does not change the pixels.
  jpeg_abort_decompress(cinfo);
  jpeg_destroy_decompress(cinfo);
  out->width = (int)width;
  out->height = (int)height;
  out->pixels = state->rgb;
  free(state->row);
  free(state);
  free(cinfo);
  return CIS_OK;
}

int cis_jpeg_encode(const unsigned char *rgb, int width, int height, int quality, cis_buffer *out) {
  memset(out, 0, sizeof *out);
  if (width <= 0 || height <= 0 || width > JPEG_MAX_DIMENSION || height > JPEG_MAX_DIMENSION) {
    snprintf(out->message, CIS_MESSAGE_CAPACITY, "cannot write a %dx%d JPEG", width, height);
    return CIS_ERROR;
  }
  if (quality < 1 || quality > 100) {
    snprintf(out->message, CIS_MESSAGE_CAPACITY, "JPEG quality %d is not in 1...100", quality);
    return CIS_ERROR;
  }
  jpeg_state *state = calloc(1, sizeof *state);
  struct jpeg_compress_struct *cinfo = calloc(1, sizeof *cinfo);
  if (!state || !cinfo) {
    free(state);
    free(cinfo);
    return CIS_NO_MEMORY;
  }
  install_errors(state, out->message);
  cinfo->err = &state->pub;
  if (setjmp(state->jump)) {
    int code = state->code == CIS_OK ? CIS_ERROR : state->code;
    jpeg_destroy_compress(cinfo);
    free(state->encoded);
    free(state);
    free(cinfo);
    return code;
  }
  jpeg_create_compress(cinfo);
  jpeg_mem_dest(cinfo, &state->encoded, &state->encodedCount);
  cinfo->image_width = (JDIMENSION)width;
  cinfo->image_height = (JDIMENSION)height;
  cinfo->input_components = 3;
  cinfo->in_color_space = JCS_RGB;
  jpeg_set_defaults(cinfo);
  jpeg_set_quality(cinfo, quality, TRUE);
  cinfo->dct_method = JDCT_ISLOW;
  // 4:2:0: luma 2x2, chroma 1x1 (libjpeg's default for YCbCr, stated explicitly).
  cinfo->comp_info[0].h_samp_factor = 2;
  cinfo->comp_info[0].v_samp_factor = 2;
  cinfo->comp_info[1].h_samp_factor = 1;
  cinfo->comp_info[1].v_samp_factor = 1;
  cinfo->comp_info[2].h_samp_factor = 1;
  cinfo->comp_info[2].v_samp_factor = 1;
  jpeg_start_compress(cinfo, TRUE);
  while (cinfo->next_scanline < cinfo->image_height) {
    JSAMPROW row = (JSAMPROW)(rgb + (size_t)cinfo->next_scanline * width * 3);
    jpeg_write_scanlines(cinfo, &row, 1);
  }
  jpeg_finish_compress(cinfo);
  jpeg_destroy_compress(cinfo);
  out->bytes = state->encoded;
  out->count = state->encodedCount;
  free(state);
  free(cinfo);
  return CIS_OK;
}
