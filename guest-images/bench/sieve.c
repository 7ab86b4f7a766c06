/* sieve: sieve of Eratosthenes over a byte array, about 2 million numbers. */
#include "bench.h"

const char bench_name[] = "sieve";
const unsigned bench_default_iterations = 10;

#define LIMIT (2 * 1024 * 1024)

static uint8_t composite[LIMIT];

void bench_setup(void)
{
}

static uint64_t count_primes(size_t limit)
{
    for (size_t i = 0; i < limit; i++) {
        composite[i] = 0;
    }
    uint64_t count = 0;
    for (size_t p = 2; p < limit; p++) {
        if (!composite[p]) {
            count++;
            for (size_t m = p * p; m < limit; m += p) {
                composite[m] = 1;
            }
        }
    }
    return count;
}

uint64_t run(unsigned iterations)
{
    uint64_t sum = 0;
    for (unsigned i = 0; i < iterations; i++) {
        /* The bound moves a little each time; below 2^21 there are 155611 primes. */
        sum = bench_mix(sum, count_primes(LIMIT - (i & 15) * 1000));
    }
    return sum;
}
