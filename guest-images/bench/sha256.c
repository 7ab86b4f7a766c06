/* sha256: FIPS 180-4 SHA-256 of a 16 KiB message. */
#include "bench.h"

const char bench_name[] = "sha256";
const unsigned bench_default_iterations = 450;

#define LENGTH (16 * 1024)

static uint8_t message[LENGTH];

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t ror(uint32_t x, unsigned n)
{
    return (x >> n) | (x << (32 - n));
}

static void compress(uint32_t h[8], const uint8_t block[64])
{
    uint32_t w[64];
    for (int t = 0; t < 16; t++) {
        w[t] = (uint32_t)block[4 * t] << 24 | (uint32_t)block[4 * t + 1] << 16
             | (uint32_t)block[4 * t + 2] << 8 | block[4 * t + 3];
    }
    for (int t = 16; t < 64; t++) {
        uint32_t s0 = ror(w[t - 15], 7) ^ ror(w[t - 15], 18) ^ (w[t - 15] >> 3);
        uint32_t s1 = ror(w[t - 2], 17) ^ ror(w[t - 2], 19) ^ (w[t - 2] >> 10);
        w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int t = 0; t < 64; t++) {
        uint32_t t1 = hh + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t];
        uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        hh = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d;
    h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

static void sha256(const uint8_t *p, size_t n, uint32_t h[8])
{
    static const uint32_t initial[8] = {
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    };
    uint8_t tail[128];
    size_t full = n / 64 * 64;
    for (int i = 0; i < 8; i++) {
        h[i] = initial[i];
    }
    for (size_t off = 0; off < full; off += 64) {
        compress(h, p + off);
    }
    size_t rest = n - full;
    size_t padded = rest < 56 ? 64 : 128;
    for (size_t i = 0; i < padded; i++) {
        tail[i] = i < rest ? p[full + i] : 0;
    }
    tail[rest] = 0x80;
    uint64_t bits = (uint64_t)n * 8;
    for (int i = 0; i < 8; i++) {
        tail[padded - 1 - i] = (uint8_t)(bits >> (8 * i));
    }
    compress(h, tail);
    if (padded == 128) {
        compress(h, tail + 64);
    }
}

void bench_setup(void)
{
    uint64_t seed = 2;
    for (size_t i = 0; i < LENGTH; i++) {
        message[i] = (uint8_t)bench_random(&seed);
    }
}

uint64_t run(unsigned iterations)
{
    uint64_t sum = 0;
    uint32_t h[8];
    /* Self-check on the FIPS example "abc": ba7816bf ... */
    sha256((const uint8_t *)"abc", 3, h);
    sum = bench_mix(sum, h[0] == 0xba7816bfu && h[7] == 0xf20015adu);
    for (unsigned i = 0; i < iterations; i++) {
        /* The iteration number is the first four bytes of the message. */
        message[0] = (uint8_t)i;
        message[1] = (uint8_t)(i >> 8);
        message[2] = (uint8_t)(i >> 16);
        message[3] = (uint8_t)(i >> 24);
        sha256(message, LENGTH - (i & 63), h);
        sum = bench_mix(sum, (uint64_t)h[0] << 32 | h[7]);
    }
    return sum;
}
