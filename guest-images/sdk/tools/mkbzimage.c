/*
 * mkbzimage: wraps a compressed kernel payload the way Linux's arch/x86/boot build does, so
 * that the result has the shape of a bzImage: a boot sector and setup sectors carrying the
 * setup header (boot protocol 2.15: "HdrS", setup_sects, syssize, payload_offset,
 * payload_length), then the protected-mode part, in which the payload starts payload_offset
 * bytes in (after a stand-in for the decompressor's code) and is followed by more bytes (the
 * decompressor's data). The real-mode and decompressor code are not there: Xen's loader, like
 * TruffleXen's, only reads the header and the payload.
 *
 * usage: mkbzimage PAYLOAD OUTPUT [UNCOMPRESSED]
 *   With UNCOMPRESSED, its size is appended to the payload as a little-endian 32-bit word, as
 *   Linux's size_append does for every compressor but gzip.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SETUP_SECTS 3
#define PAYLOAD_OFFSET 0x2c0
#define TRAILER 0x80

static void put16(unsigned char *p, uint16_t v) { p[0] = v; p[1] = v >> 8; }
static void put32(unsigned char *p, uint32_t v) { put16(p, v); put16(p + 2, v >> 16); }

static unsigned char *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    unsigned char *data;
    if (!f || fstat(fileno(f), &st) != 0) {
        perror(path);
        exit(1);
    }
    data = malloc(st.st_size + 4);
    if (!data || fread(data, 1, st.st_size, f) != (size_t)st.st_size) {
        fprintf(stderr, "%s: cannot read\n", path);
        exit(1);
    }
    fclose(f);
    *size = st.st_size;
    return data;
}

int main(int argc, char **argv)
{
    size_t payload_len, setup_len = (SETUP_SECTS + 1) * 512, total;
    unsigned char *payload, *image;
    FILE *out;

    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: %s PAYLOAD OUTPUT [UNCOMPRESSED]\n", argv[0]);
        return 2;
    }
    payload = slurp(argv[1], &payload_len);
    if (argc == 4) {
        struct stat st;
        if (stat(argv[3], &st) != 0) {
            perror(argv[3]);
            return 1;
        }
        put32(payload + payload_len, (uint32_t)st.st_size);
        payload_len += 4;
    }
    total = setup_len + PAYLOAD_OFFSET + payload_len + TRAILER;
    image = calloc(1, total);
    if (!image)
        return 1;
    image[0x1f1] = SETUP_SECTS;
    put32(image + 0x1f4, (uint32_t)((total - setup_len + 15) / 16)); /* syssize */
    put16(image + 0x1fe, 0xAA55);                                      /* boot_flag */
    image[0x200] = 0xEB;                                                /* jump */
    image[0x201] = 0x66;
    memcpy(image + 0x202, "HdrS", 4);
    put16(image + 0x206, 0x020f);                                       /* version 2.15 */
    image[0x211] = 0x01;                                                /* loadflags: LOADED_HIGH */
    put32(image + 0x214, 0x100000);                                     /* code32_start */
    put32(image + 0x230, 0x200000);                                     /* kernel_alignment */
    image[0x234] = 1;                                                   /* relocatable_kernel */
    put32(image + 0x238, 2047);                                         /* cmdline_size */
    put32(image + 0x248, PAYLOAD_OFFSET);
    put32(image + 0x24c, (uint32_t)payload_len);
    memset(image + setup_len, 0xCC, PAYLOAD_OFFSET);
    memcpy(image + setup_len + PAYLOAD_OFFSET, payload, payload_len);
    memset(image + setup_len + PAYLOAD_OFFSET + payload_len, 0x90, TRAILER);

    out = fopen(argv[2], "wb");
    if (!out || fwrite(image, 1, total, out) != total || fclose(out) != 0) {
        perror(argv[2]);
        return 1;
    }
    return 0;
}
