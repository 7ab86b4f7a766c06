/* sort: quicksort (median of three, insertion sort for short runs) of 1M 32-bit integers. */
#include "bench.h"

const char bench_name[] = "sort";
const unsigned bench_default_iterations = 1;

#define COUNT (1024 * 1024)

static uint32_t source[COUNT];
static uint32_t work[COUNT];

void bench_setup(void)
{
    uint64_t seed = 4;
    for (size_t i = 0; i < COUNT; i++) {
        source[i] = (uint32_t)bench_random(&seed);
    }
}

static void insertion_sort(uint32_t *v, long n)
{
    for (long i = 1; i < n; i++) {
        uint32_t x = v[i];
        long j = i - 1;
        while (j >= 0 && v[j] > x) {
            v[j + 1] = v[j];
            j--;
        }
        v[j + 1] = x;
    }
}

static void swap(uint32_t *x, uint32_t *y)
{
    uint32_t t = *x;
    *x = *y;
    *y = t;
}

static void quicksort(uint32_t *v, long n)
{
    while (n > 16) {
        long mid = n / 2;
        if (v[mid] < v[0]) swap(&v[mid], &v[0]);
        if (v[n - 1] < v[0]) swap(&v[n - 1], &v[0]);
        if (v[n - 1] < v[mid]) swap(&v[n - 1], &v[mid]);
        uint32_t pivot = v[mid];
        long i = 0, j = n - 1;
        for (;;) {
            while (v[i] < pivot) i++;
            while (v[j] > pivot) j--;
            if (i >= j) break;
            swap(&v[i], &v[j]);
            i++;
            j--;
        }
        /* Recurse into the smaller side, loop on the larger: stack depth stays O(log n). */
        long left = j + 1;
        if (left < n - left) {
            quicksort(v, left);
            v += left;
            n -= left;
        } else {
            quicksort(v + left, n - left);
            n = left;
        }
    }
    insertion_sort(v, n);
}

uint64_t run(unsigned iterations)
{
    uint64_t sum = 0;
    for (unsigned i = 0; i < iterations; i++) {
        uint32_t mask = i * 0x9e3779b9u;
        for (size_t k = 0; k < COUNT; k++) {
            work[k] = source[k] ^ mask;
        }
        quicksort(work, COUNT);
        uint64_t unsorted = 0;
        for (size_t k = 1; k < COUNT; k++) {
            unsorted += work[k - 1] > work[k];
        }
        sum = bench_mix(sum, unsorted);
        for (size_t k = 0; k < COUNT; k += COUNT / 64) {
            sum = bench_mix(sum, work[k]);
        }
    }
    return sum;
}
