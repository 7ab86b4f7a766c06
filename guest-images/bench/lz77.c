/*
 * lz77: LZSS-style compression and decompression round trip of 64 KiB of
 * generated text. Greedy matching through a hash of the next 4 bytes; the
 * stream is groups of 8 items after a flag byte (bit set: a match of 3 bytes,
 * 16-bit distance and length - 4; clear: one literal byte).
 */
#include "bench.h"

const char bench_name[] = "lz77";
const unsigned bench_default_iterations = 80;

#define LENGTH (64 * 1024)
#define HASH_BITS 12
#define WINDOW 65535
#define MIN_MATCH 4
#define MAX_MATCH (255 + MIN_MATCH)

static uint8_t input[LENGTH];
static uint8_t packed[LENGTH + LENGTH / 8 + 16];
static uint8_t output[LENGTH];
static uint32_t head[1 << HASH_BITS];

void bench_setup(void)
{
    static const char *const words[] = {
        "the ", "hypervisor ", "guest ", "page ", "table ", "event ", "channel ", "grant ",
        "domain ", "vcpu ", "ring ", "console ", "memory ", "frame ", "of ", "and ",
    };
    uint64_t seed = 5;
    size_t n = 0;
    while (n < LENGTH) {
        uint64_t r = bench_random(&seed);
        const char *w = words[r & 15];
        if ((r >> 8) % 10 == 0) {
            input[n++] = (uint8_t)('A' + (r >> 16) % 26); /* noise */
            continue;
        }
        while (*w != '\0' && n < LENGTH) {
            input[n++] = (uint8_t)*w++;
        }
    }
}

static uint32_t hash4(const uint8_t *p)
{
    uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    return (v * 2654435761u) >> (32 - HASH_BITS);
}

static size_t compress(const uint8_t *in, size_t n, uint8_t *out)
{
    for (size_t i = 0; i < (1u << HASH_BITS); i++) {
        head[i] = 0xffffffffu;
    }
    size_t o = 0, pos = 0;
    while (pos < n) {
        size_t flag_at = o++;
        uint8_t flags = 0;
        for (int item = 0; item < 8 && pos < n; item++) {
            size_t best = 0, distance = 0;
            if (pos + MIN_MATCH <= n) {
                uint32_t h = hash4(in + pos);
                uint32_t candidate = head[h];
                head[h] = (uint32_t)pos;
                if (candidate != 0xffffffffu && pos - candidate <= WINDOW) {
                    size_t limit = n - pos < MAX_MATCH ? n - pos : MAX_MATCH;
                    while (best < limit && in[candidate + best] == in[pos + best]) {
                        best++;
                    }
                    distance = pos - candidate;
                }
            }
            if (best >= MIN_MATCH) {
                flags |= (uint8_t)(1u << item);
                out[o++] = (uint8_t)distance;
                out[o++] = (uint8_t)(distance >> 8);
                out[o++] = (uint8_t)(best - MIN_MATCH);
                /* Index the positions inside the match too. */
                for (size_t k = 1; k < best && pos + k + MIN_MATCH <= n; k++) {
                    head[hash4(in + pos + k)] = (uint32_t)(pos + k);
                }
                pos += best;
            } else {
                out[o++] = in[pos++];
            }
        }
        out[flag_at] = flags;
    }
    return o;
}

static size_t decompress(const uint8_t *in, size_t n, uint8_t *out, size_t capacity)
{
    size_t i = 0, o = 0;
    while (i < n) {
        uint8_t flags = in[i++];
        for (int item = 0; item < 8 && i < n; item++) {
            if (flags & (1u << item)) {
                size_t distance = (size_t)in[i] | (size_t)in[i + 1] << 8;
                size_t length = (size_t)in[i + 2] + MIN_MATCH;
                i += 3;
                if (distance == 0 || distance > o || o + length > capacity) {
                    return 0;
                }
                for (size_t k = 0; k < length; k++, o++) {
                    out[o] = out[o - distance];
                }
            } else {
                if (o == capacity) {
                    return 0;
                }
                out[o++] = in[i++];
            }
        }
    }
    return o;
}

uint64_t run(unsigned iterations)
{
    uint64_t sum = 0;
    for (unsigned i = 0; i < iterations; i++) {
        size_t at = (i * 7919u) % LENGTH;
        uint8_t saved = input[at];
        input[at] = (uint8_t)i;
        size_t packed_length = compress(input, LENGTH, packed);
        size_t length = decompress(packed, packed_length, output, LENGTH);
        uint64_t differences = length != LENGTH;
        for (size_t k = 0; k < LENGTH; k++) {
            differences += output[k] != input[k];
        }
        sum = bench_mix(sum, packed_length);
        sum = bench_mix(sum, differences);
        input[at] = saved;
    }
    return sum;
}
