/*
 * pvmmu: "bench=<what>,<rounds>" times the MMU hypercalls with the domain's
 * 1 GHz TSC; "loop=<what>,<operations>" runs them for the JMH benchmarks in
 * perf/. mmu1, mmu16, mmu512: mmu_update batches of 1, 16 or 512 L1 entries,
 * each round remapping every entry to the other of two frames (so each entry
 * drops one reference and takes another); uvm: update_va_mapping with
 * UVMF_INVLPG, alternating frames.
 */
#include "pvmmu.h"

static unsigned long rdtsc(void)
{
    unsigned int lo, hi;

    __asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
    return (unsigned long)hi << 32 | lo;
}

static unsigned long number(const char *p)
{
    unsigned long n = 0;

    for (; *p >= '0' && *p <= '9'; p++) {
        n = n * 10 + (unsigned long)(*p - '0');
    }
    return n;
}

static mmu_update_t batch[512];
static unsigned long frames[2], b1;

/* The bench L1 at TEST_VA + 4 MiB and the two frames its entries alternate between. */
static void bench_setup(void)
{
    frames[0] = alloc_mfn();
    frames[1] = alloc_mfn();
    b1 = alloc_mfn();
    if (mmu1((t2 << 12) + 2 * 8, b1 << 12 | P | RW | US | ACC) != 0) {
        sdk_panic("bench: cannot link the bench L1");
    }
}

/* One round: every entry of the batch (or the one update_va_mapping) retargeted to frames[round & 1]. */
static void bench_round(unsigned long batch_size, unsigned long round)
{
    unsigned int i;

    if (batch_size == 0) {
        uvm(WINDOW(40), frames[round & 1] << 12 | P | RW | US, UVMF_INVLPG | UVMF_LOCAL);
        return;
    }
    for (i = 0; i < batch_size; i++) {
        batch[i].ptr = (b1 << 12) + i * 8;
        batch[i].val = frames[round & 1] << 12 | P | RW | US;
    }
    if (HYPERVISOR_mmu_update(batch, (unsigned int)batch_size, NULL, DOMID_SELF) != 0) {
        sdk_panic("bench: mmu_update failed");
    }
}

/* "mmu<N>" is a batch of N entries, "uvm" one update_va_mapping (batch size 0). */
static unsigned long batch_size_of(const char *spec)
{
    unsigned long n;

    if (strncmp(spec, "uvm", 3) == 0) {
        return 0;
    }
    n = number(spec + 3);
    if (strncmp(spec, "mmu", 3) != 0 || n == 0 || n > 512) {
        sdk_panic("bench: unknown benchmark %s", spec);
    }
    return n;
}

static unsigned long count_of(const char *spec)
{
    while (*spec && *spec != ',') {
        spec++;
    }
    return *spec ? number(spec + 1) : 1000;
}

void run_bench(const char *spec)
{
    unsigned long batch_size = batch_size_of(spec), count = count_of(spec), start, ns, round;
    unsigned long per_round = batch_size ? batch_size : 1;

    bench_setup();
    start = rdtsc();
    for (round = 0; round < count; round++) {
        bench_round(batch_size, round);
    }
    ns = rdtsc() - start;
    printf("bench: %s: %lu operations in %lu ns, %lu ns each\n", batch_size ? "mmu_update" : "update_va_mapping+INVLPG",
           count * per_round, ns, ns / (count * per_round));
}

/*
 * "loop=<what>,<operations>" for the JMH benchmarks: forever, the operations (rounded down to
 * whole batches), then SCHEDOP_yield with the number done as its (ignored) argument.
 */
void run_loop(const char *spec)
{
    unsigned long batch_size = batch_size_of(spec), operations = count_of(spec);
    unsigned long per_round = batch_size ? batch_size : 1, rounds = operations / per_round, round = 0, i;

    bench_setup();
    for (;;) {
        for (i = 0; i < rounds; i++) {
            bench_round(batch_size, round++);
        }
        _hypercall2(long, sched_op, SCHEDOP_yield, (void *)(rounds * per_round));
    }
}
