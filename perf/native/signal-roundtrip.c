/*
 * The host analogue of PvExceptionBenchmark's int3 round trip: int3 in a
 * Linux process raises SIGTRAP, the kernel delivers it to a handler on the
 * process's stack and the handler returns with sigreturn. Prints the median
 * of 11 runs of N round trips, in nanoseconds per round trip.
 *
 *   gcc -O2 -o /tmp/signal-roundtrip perf/native/signal-roundtrip.c && /tmp/signal-roundtrip 200000
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static volatile unsigned long traps;

static void on_trap(int sig)
{
    (void)sig;
    traps++;
}

static double now_ns(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 200000;
    struct sigaction sa = { .sa_handler = on_trap };
    double runs[11];

    sigaction(SIGTRAP, &sa, NULL);
    for (int r = 0; r < 11; r++) {
        double start = now_ns();
        for (long i = 0; i < n; i++) {
            __asm__ __volatile__("int3" : : : "memory");
        }
        runs[r] = (now_ns() - start) / n;
    }
    qsort(runs, 11, sizeof(runs[0]), by_value);
    printf("signal round trip (int3, SIGTRAP, sigreturn): median %.0f ns over 11 runs of %ld (%lu traps)\n", runs[5], n, traps);
    return 0;
}
