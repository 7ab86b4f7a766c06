/* matmul: 128x128 32-bit integer matrix multiply (i-k-j order). */
#include "bench.h"

const char bench_name[] = "matmul";
const unsigned bench_default_iterations = 30;

#define N 128

static int32_t a[N][N], b[N][N], c[N][N];

void bench_setup(void)
{
    uint64_t seed = 3;
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) {
            a[i][j] = (int32_t)(bench_random(&seed) % 2001) - 1000;
            b[i][j] = (int32_t)(bench_random(&seed) % 2001) - 1000;
        }
    }
}

static void multiply(void)
{
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) {
            c[i][j] = 0;
        }
        for (int k = 0; k < N; k++) {
            int32_t aik = a[i][k];
            for (int j = 0; j < N; j++) {
                c[i][j] += aik * b[k][j];
            }
        }
    }
}

uint64_t run(unsigned iterations)
{
    uint64_t sum = 0;
    for (unsigned i = 0; i < iterations; i++) {
        a[i % N][(i / N) % N] += 1;
        multiply();
        uint64_t trace = 0;
        for (int d = 0; d < N; d++) {
            trace = trace * 31 + (uint32_t)c[d][(d + i) % N];
        }
        sum = bench_mix(sum, trace);
        a[i % N][(i / N) % N] -= 1;
    }
    return sum;
}
