/*
 * memop: "bench=<n>" times n rounds of populate_physmap then decrease_reservation, of one frame
 * and of batches of 64, with the domain's 1 GHz TSC. Printed, not judged.
 */
#include "memop.h"

static unsigned long rdtsc(void)
{
    unsigned int lo, hi;

    __asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
    return (unsigned long)hi << 32 | lo;
}

static void rounds(unsigned long n, unsigned long batch)
{
    static unsigned long list[64];
    unsigned long start, ns, ok = 0;

    start = rdtsc();
    for (unsigned long i = 0; i < n; i++) {
        for (unsigned long j = 0; j < batch; j++) {
            list[j] = si->nr_pages + 1000 + j;
        }
        ok += reservation(XENMEM_populate_physmap, list, batch, 0, 0, DOMID_SELF) == (long)batch;
        ok += reservation(XENMEM_decrease_reservation, list, batch, 0, 0, DOMID_SELF) == (long)batch;
    }
    ns = rdtsc() - start;
    printf("bench: %lu rounds of populate+decrease of %lu frame(s) in %lu ns, %lu ns per frame and call pair (%lu ok)\n",
           n, batch, ns, n ? ns / (n * batch) : 0, ok);
}

void bench(unsigned long n)
{
    rounds(n, 1);
    rounds(n / 16 + 1, 64);
}
