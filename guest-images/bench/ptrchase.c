/*
 * ptrchase: follows next pointers through 16 MiB of 64-byte nodes linked in
 * one random cycle (Sattolo's shuffle), so nearly every step touches a new
 * cache line and most touch a different page: a cache- and TLB-bound walk.
 */
#include "bench.h"

const char bench_name[] = "ptrchase";
const unsigned bench_default_iterations = 3;

#define NODES (16 * 1024 * 1024 / 64)
#define STEPS (64 * 1024)

struct node {
    struct node *next;
    uint64_t value;
    uint64_t padding[6];
};

static struct node nodes[NODES];
static uint32_t order[NODES];

void bench_setup(void)
{
    uint64_t seed = 6;
    for (uint32_t i = 0; i < NODES; i++) {
        order[i] = i;
    }
    /* Sattolo: a uniformly random permutation with a single cycle. */
    for (uint32_t i = NODES - 1; i > 0; i--) {
        uint32_t j = (uint32_t)(bench_random(&seed) % i);
        uint32_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (uint32_t i = 0; i < NODES; i++) {
        nodes[i].next = &nodes[order[i]];
        nodes[i].value = (uint64_t)i * 0x9e3779b97f4a7c15ull;
    }
}

uint64_t run(unsigned iterations)
{
    uint64_t sum = 0;
    for (unsigned i = 0; i < iterations; i++) {
        const struct node *p = &nodes[(i * 40503u) % NODES];
        uint64_t acc = 0;
        for (unsigned step = 0; step < STEPS; step++) {
            acc += p->value ^ step;
            p = p->next;
        }
        sum = bench_mix(sum, acc);
        sum = bench_mix(sum, p->value);
    }
    return sum;
}
