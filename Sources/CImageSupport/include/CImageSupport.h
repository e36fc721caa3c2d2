// Thin C wrappers around libpng and libjpeg for the Imaging module.
//
// libpng and libjpeg report errors by longjmp (or, by default, exit()). Swift cannot set a
// jump point, so each whole codec call runs here, inside setjmp, and every failure comes back
// as a non-zero return code plus a one-line message. No function here prints or exits.
#ifndef CIMAGESUPPORT_H
#define CIMAGESUPPORT_H

#include <stddef.h>
#include <stdint.h>

/// Size of the message buffers passed to these functions.
#define CIS_MESSAGE_CAPACITY 256

/// Return codes.
enum {
  CIS_OK = 0,
  CIS_ERROR = 1,        ///< Corrupt or unreadable data; see message.
  CIS_TOO_LARGE = 2,    ///< The declared size exceeds the pixel limit.
  CIS_UNSUPPORTED = 3,  ///< Valid data, but a feature we do not handle.
  CIS_NO_MEMORY = 4,
};

/// A decoded image: interleaved 8-bit RGB, `width * height * 3` bytes, allocated with malloc
/// (release with `cis_free`).
typedef struct {
  int width;
  int height;
  unsigned char *pixels;
  /// JPEG only: the colour space stored in the file (libjpeg's J_COLOR_SPACE value).
  int sourceColorSpace;
  char message[CIS_MESSAGE_CAPACITY];
} cis_image;

/// An encoded byte buffer allocated with malloc (release with `cis_free`).
typedef struct {
  unsigned char *bytes;
  size_t count;
  char message[CIS_MESSAGE_CAPACITY];
} cis_buffer;

/// Decodes PNG bytes to 8-bit RGB: palettes are looked up, greys replicated, 16-bit samples
/// reduced to their high byte, alpha (and tRNS transparency) dropped. Fails with
/// CIS_TOO_LARGE when width * height > maxPixels.
int cis_png_decode(const unsigned char *data, size_t size, uint64_t maxPixels, cis_image *out);

/// A band of rows of a PNG's image data, filtered and deflated (see cis_png_deflate_band).
typedef struct {
  unsigned char *bytes;  ///< raw deflate data, allocated with malloc (release with `cis_free`)
  size_t count;
  unsigned long adler;   ///< Adler-32 of the filtered rows
  size_t filteredCount;  ///< bytes of filtered rows (filter byte + row, per row)
} cis_png_band;

/// Filters rows y0..<y1 of 8-bit `samples` (`channels` 1 or 3 per pixel, `width * channels`
/// bytes per row) as libpng's adaptive filtering does (per row, the first of None, Sub, Up,
/// Average, Paeth whose bytes, read as signed, have the smallest sum of absolute values) and
/// deflates them (raw, 32 KB window) at zlib `level` (0-9), with zlib's run-length strategy
/// (Z_RLE) when `runLength`, else its default one. Unless `last`, the data ends in a sync flush,
/// so consecutive bands concatenate into one deflate stream.
int cis_png_deflate_band(const unsigned char *samples, int width, int channels, int y0, int y1, int last,
                         int level, int runLength, cis_png_band *band);
/// A non-interlaced 8-bit grey (`channels` 1) or RGB (3) PNG from the deflated bands of all its
/// rows, in order: signature, IHDR, IDAT chunks (one zlib stream), IEND. `level` and `runLength`
/// are the bands' (they set the zlib header's FLEVEL field).
int cis_png_assemble(int width, int height, int channels, int level, int runLength, const cis_png_band *bands,
                     int count, cis_buffer *out);

/// Decodes JPEG bytes to 8-bit RGB with libjpeg's ISLOW IDCT and fancy upsampling (as Pillow).
/// Grey is replicated; CMYK/YCCK is converted the way Pillow's convert("RGB") does (Adobe
/// inverted CMYK assumed). A premature end of data is an error, not a warning.
int cis_jpeg_decode(const unsigned char *data, size_t size, uint64_t maxPixels, cis_image *out);

/// Encodes interleaved 8-bit RGB as a baseline JPEG: JFIF header, libjpeg's standard tables
/// scaled by `quality` (1-100, forced baseline), ISLOW DCT, 4:2:0 chroma subsampling, no
/// Huffman optimisation: the same choices as Pillow's `save(f, "JPEG", quality=q)`.
int cis_jpeg_encode(const unsigned char *rgb, int width, int height, int quality, cis_buffer *out);

/// Frees memory returned by the functions above.
void cis_free(void *pointer);

#endif
