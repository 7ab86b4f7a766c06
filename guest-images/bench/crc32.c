/* crc32: table-driven CRC-32 (IEEE, reflected) over a 64 KiB buffer. */
#include "bench.h"

const char bench_name[] = "crc32";
const unsigned bench_default_iterations = 250;

#define LENGTH (64 * 1024)

static uint32_t table[256];
static uint8_t data[LENGTH];

void bench_setup(void)
{
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++) {
            c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
        }
        table[n] = c;
    }
    uint64_t seed = 1;
    for (size_t i = 0; i < LENGTH; i++) {
        data[i] = (uint8_t)bench_random(&seed);
    }
}

static uint32_t crc32(uint32_t crc, const uint8_t *p, size_t n)
{
    crc = ~crc;
    while (n-- > 0) {
        crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    }
    return ~crc;
}

uint64_t run(unsigned iterations)
{
    uint64_t sum = 0;
    for (unsigned i = 0; i < iterations; i++) {
        /* A different starting value each time, so no two iterations are the same work. */
        sum = bench_mix(sum, crc32(i, data, LENGTH));
    }
    return sum;
}
