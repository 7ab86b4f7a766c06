/*
 * TruffleXen benchmark suite: the interface between the shared driver
 * (driver.c), one workload (crc32.c, sha256.c, ...) and the platform it
 * runs on (platform_xen.c as a PV guest, platform_host.c as a static Linux
 * executable).
 *
 * Workloads and the driver are compiled with the same flags for both
 * platforms (the guest SDK's, minus -mcmodel=kernel on the host), so the
 * guest and the host run the same code and must print the same checksums.
 * They use no libc: only <stdint.h>, <stddef.h> and gcc builtins.
 */
#ifndef TRUFFLEXEN_BENCH_H
#define TRUFFLEXEN_BENCH_H

#include <stddef.h>
#include <stdint.h>

/* ---- provided by each workload ---- */

/* The workload's name, as printed in the marker lines. */
extern const char bench_name[];
/* Iterations per round when the command line gives none (~20-50 ms natively). */
extern const unsigned bench_default_iterations;
/* Builds the fixed input once, before the first round (not timed). */
void bench_setup(void);
/* Runs the workload `iterations` times; returns a checksum of the results. */
uint64_t run(unsigned iterations);

/* ---- provided by the platform ---- */

void bench_write(const char *s, size_t n);
/* Returns once everything written has reached the host (console drained). */
void bench_flush(void);
/*
 * The platform's monotonic clock in nanoseconds (host: CLOCK_MONOTONIC; guest:
 * Xen's pvclock, system time from the TSC), or 0 when it has none. The
 * driver stamps each round marker with it, so round times are the
 * workload's own and not when the host happened to read the marker.
 */
uint64_t bench_clock_ns(void);

/* ---- provided by driver.c ---- */

/* Runs the rounds described by cmdline ("rounds=R iters=N"); returns 0. */
int bench_main(const char *cmdline);

/* ---- helpers shared by the workloads ---- */

/* splitmix64: the suite's deterministic input generator. */
static inline uint64_t bench_random(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Folds a value into a running checksum (order-sensitive). */
static inline uint64_t bench_mix(uint64_t sum, uint64_t value)
{
    sum ^= value + 0x9e3779b97f4a7c15ull + (sum << 6) + (sum >> 2);
    return sum;
}

#endif /* TRUFFLEXEN_BENCH_H */
