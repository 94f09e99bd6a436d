#ifndef EMKIT_IMAGE_CODECS_H
#define EMKIT_IMAGE_CODECS_H

// PNG and JPEG reading and writing for EMKitImaging, over libpng (its simplified png_image API,
// which returns error codes) and libjpeg-turbo (whose longjmp-based errors are caught here, in C,
// by setjmp, so that no longjmp ever crosses a Swift frame). Every function returns 0 on success
// and otherwise writes a message into `message` (size `message_size`).

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Decodes the PNG file at `path` (grey, RGB, RGBA or palette; 8 or 16 bits; interlaced or not)
/// to 8-bit RGB (alpha is composited onto white). On success `*pixels` is malloc'ed
/// (width × height × 3 bytes, row-major) and must be released with emk_image_free. An image
/// that declares more than `max_pixels` pixels is refused before anything is decoded or
/// allocated: the function returns 2 with `*width` and `*height` set to the declared size.
int emk_png_read(const char *path, size_t max_pixels, unsigned char **pixels, int *width, int *height, char *message,
                 size_t message_size);

/// Encodes `pixels` (width × height × channels bytes, channels 1 = grey or 3 = RGB) as an 8-bit PNG at `path`.
int emk_png_write(const char *path, const unsigned char *pixels, int width, int height, int channels, char *message,
                  size_t message_size);

/// Decodes the JPEG file at `path` (baseline or progressive; grey, YCbCr or CMYK is converted) to
/// 8-bit RGB. `*pixels`, `max_pixels` and the return value 2 as for emk_png_read.
int emk_jpeg_read(const char *path, size_t max_pixels, unsigned char **pixels, int *width, int *height, char *message,
                  size_t message_size);

/// Encodes RGB `pixels` as a baseline JPEG of the given quality (1–100) at `path`.
int emk_jpeg_write(const char *path, const unsigned char *pixels, int width, int height, int quality, char *message,
                   size_t message_size);

/// Releases pixels returned by a read function.
void emk_image_free(unsigned char *pixels);

#ifdef __cplusplus
}
#endif

#endif
