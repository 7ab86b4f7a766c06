/*
 * pvmmu: "bench=<what>,<count>" times the MMU hypercalls with the domain's
 * 1 GHz TSC. mmu1, mmu16, mmu512: mmu_update batches of 1, 16 or 512 L1
 * entries, each round remapping every entry to the other of two frames (so
 * each entry drops one reference and takes another); uvm: update_va_mapping
 * with UVMF_INVLPG, alternating frames.
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

void run_bench(const char *spec)
{
    unsigned long frames[2] = { alloc_mfn(), alloc_mfn() };
    unsigned long b1 = alloc_mfn();
    const char *comma = spec;
    unsigned long count, batch_size, entries = 0, start, ns, round;
    unsigned int i;

    while (*comma && *comma != ',') {
        comma++;
    }
    count = *comma ? number(comma + 1) : 1000;
    if (mmu1((t2 << 12) + 2 * 8, b1 << 12 | P | RW | US | ACC) != 0) {
        sdk_panic("bench: cannot link the bench L1");
    }
    if (strncmp(spec, "uvm", 3) == 0) {
        start = rdtsc();
        for (round = 0; round < count; round++) {
            uvm(WINDOW(40), frames[round & 1] << 12 | P | RW | US, UVMF_INVLPG | UVMF_LOCAL);
        }
        ns = rdtsc() - start;
        printf("bench: update_va_mapping+INVLPG: %lu calls in %lu ns, %lu ns each\n", count, ns, ns / count);
        return;
    }
    batch_size = number(spec + 3);
    if (strncmp(spec, "mmu", 3) != 0 || batch_size == 0 || batch_size > 512) {
        sdk_panic("bench: unknown benchmark %s", spec);
    }
    start = rdtsc();
    for (round = 0; round < count; round++) {
        for (i = 0; i < batch_size; i++) {
            batch[i].ptr = (b1 << 12) + i * 8;
            batch[i].val = frames[round & 1] << 12 | P | RW | US;
        }
        if (HYPERVISOR_mmu_update(batch, (unsigned int)batch_size, NULL, DOMID_SELF) != 0) {
            sdk_panic("bench: mmu_update failed");
        }
        entries += batch_size;
    }
    ns = rdtsc() - start;
    printf("bench: mmu_update batch=%lu: %lu entries in %lu ns, %lu ns/entry, %lu entries/s\n", batch_size, entries, ns,
           ns / entries, ns ? entries * 1000000000UL / ns : 0);
}
