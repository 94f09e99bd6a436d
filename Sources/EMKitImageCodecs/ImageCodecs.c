#include "EMKitImageCodecs.h"

#include <errno.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

static void set_message(char *message, size_t size, const char *text) {
    if (message && size > 0) {
        strncpy(message, text, size - 1);
        message[size - 1] = 0;
    }
}

int emk_png_read(const char *path, size_t max_pixels, unsigned char **pixels, int *width, int *height, char *message,
                 size_t message_size) {
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&image, path)) {
        set_message(message, message_size, image.message[0] ? image.message : "not a PNG file");
        png_image_free(&image);
        return 1;
    }
    if ((double)image.width * (double)image.height > (double)max_pixels) {
        *width = (int)(image.width > 0x7fffffff ? 0x7fffffff : image.width);
        *height = (int)(image.height > 0x7fffffff ? 0x7fffffff : image.height);
        set_message(message, message_size, "too many pixels");
        png_image_free(&image);
        return 2;
    }
    image.format = PNG_FORMAT_RGB;
    // 16-bit files without a gAMA or sRGB chunk are taken as sRGB-encoded (as viewers show
    // them), not as linear light, so that 16-bit values scale straight down to 8 bits.
    image.flags |= PNG_IMAGE_FLAG_16BIT_sRGB;
    size_t size = PNG_IMAGE_SIZE(image);
    unsigned char *buffer = malloc(size ? size : 1);
    if (!buffer) {
        set_message(message, message_size, "out of memory");
        png_image_free(&image);
        return 1;
    }
    png_color white = {255, 255, 255};
    if (!png_image_finish_read(&image, &white, buffer, 0, NULL)) {
        set_message(message, message_size, image.message[0] ? image.message : "corrupt or truncated PNG data");
        free(buffer);
        png_image_free(&image);
        return 1;
    }
    *pixels = buffer;
    *width = (int)image.width;
    *height = (int)image.height;
    png_image_free(&image);
    return 0;
}

int emk_png_write(const char *path, const unsigned char *pixels, int width, int height, int channels, char *message,
                  size_t message_size) {
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    image.width = (png_uint_32)width;
    image.height = (png_uint_32)height;
    image.format = channels == 1 ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;
    if (!png_image_write_to_file(&image, path, 0, pixels, 0, NULL)) {
        set_message(message, message_size, image.message[0] ? image.message : "cannot write the PNG file");
        png_image_free(&image);
        return 1;
    }
    png_image_free(&image);
    return 0;
}

struct emk_jpeg_error {
    struct jpeg_error_mgr manager;
    jmp_buf jump;
    char text[JMSG_LENGTH_MAX];
};

static void emk_jpeg_error_exit(j_common_ptr info) {
    struct emk_jpeg_error *error = (struct emk_jpeg_error *)info->err;
    (*info->err->format_message)(info, error->text);
    longjmp(error->jump, 1);
}

static void emk_jpeg_silence(j_common_ptr info, int level) {
    (void)info;
    (void)level;  // warnings (e.g. a premature end of data) become errors below only if fatal
}

int emk_jpeg_read(const char *path, size_t max_pixels, unsigned char **pixels, int *width, int *height, char *message,
                  size_t message_size) {
    FILE *file = fopen(path, "rb");
    if (!file) {
        set_message(message, message_size, strerror(errno));
        return 1;
    }
    struct jpeg_decompress_struct info;
    struct emk_jpeg_error error;
    unsigned char *volatile buffer = NULL;
    info.err = jpeg_std_error(&error.manager);
    error.manager.error_exit = emk_jpeg_error_exit;
    error.manager.emit_message = emk_jpeg_silence;
    if (setjmp(error.jump)) {
        set_message(message, message_size, error.text);
        jpeg_destroy_decompress(&info);
        fclose(file);
        free(buffer);
        return 1;
    }
    jpeg_create_decompress(&info);
    jpeg_stdio_src(&info, file);
    jpeg_read_header(&info, TRUE);
    if ((double)info.image_width * (double)info.image_height > (double)max_pixels) {
        *width = (int)info.image_width;
        *height = (int)info.image_height;
        set_message(message, message_size, "too many pixels");
        jpeg_destroy_decompress(&info);
        fclose(file);
        return 2;
    }
    info.out_color_space = JCS_RGB;
    jpeg_start_decompress(&info);
    if (info.output_components != 3) {
        snprintf(error.text, sizeof error.text, "unsupported JPEG colour layout (%d components)", info.output_components);
        longjmp(error.jump, 1);
    }
    size_t stride = (size_t)info.output_width * 3;
    buffer = malloc(stride * info.output_height + 1);
    if (!buffer) {
        snprintf(error.text, sizeof error.text, "out of memory");
        longjmp(error.jump, 1);
    }
    while (info.output_scanline < info.output_height) {
        JSAMPROW row = buffer + (size_t)info.output_scanline * stride;
        jpeg_read_scanlines(&info, &row, 1);
    }
    if (error.manager.num_warnings > 0) {
        snprintf(error.text, sizeof error.text, "corrupt or truncated JPEG data");
        longjmp(error.jump, 1);
    }
    jpeg_finish_decompress(&info);
    *pixels = buffer;
    *width = (int)info.output_width;
    *height = (int)info.output_height;
    jpeg_destroy_decompress(&info);
    fclose(file);
    return 0;
}

int emk_jpeg_write(const char *path, const unsigned char *pixels, int width, int height, int quality, char *message,
                   size_t message_size) {
    FILE *file = fopen(path, "wb");
    if (!file) {
        set_message(message, message_size, strerror(errno));
        return 1;
    }
    struct jpeg_compress_struct info;
    struct emk_jpeg_error error;
    info.err = jpeg_std_error(&error.manager);
    error.manager.error_exit = emk_jpeg_error_exit;
    if (setjmp(error.jump)) {
        set_message(message, message_size, error.text);
        jpeg_destroy_compress(&info);
        fclose(file);
        return 1;
    }
    jpeg_create_compress(&info);
    jpeg_stdio_dest(&info, file);
    info.image_width = (JDIMENSION)width;
    info.image_height = (JDIMENSION)height;
    info.input_components = 3;
    info.in_color_space = JCS_RGB;
    jpeg_set_defaults(&info);
    jpeg_set_quality(&info, quality, TRUE);
    jpeg_start_compress(&info, TRUE);
    size_t stride = (size_t)width * 3;
    while (info.next_scanline < info.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)info.next_scanline * stride);
        jpeg_write_scanlines(&info, &row, 1);
    }
    jpeg_finish_compress(&info);
    jpeg_destroy_compress(&info);
    if (fclose(file) != 0) {
        set_message(message, message_size, strerror(errno));
        return 1;
    }
    return 0;
}

void emk_image_free(unsigned char *pixels) { free(pixels); }
