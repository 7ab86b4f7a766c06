/*
 * dispatch: a stream of small operations applied through a table of function
 * pointers, as an event loop or a plugin interface does. Every operation is an
 * indirect call to a function that is not inlined.
 */
#include "bench.h"

const char bench_name[] = "dispatch";
const unsigned bench_default_iterations = 40;

#define OPS 16
#define STREAM 16384

typedef uint64_t (*operation)(uint64_t acc, uint64_t arg);

#define NOINLINE __attribute__((noinline))

static NOINLINE uint64_t op_add(uint64_t a, uint64_t b) { return a + b; }
static NOINLINE uint64_t op_sub(uint64_t a, uint64_t b) { return a - b; }
static NOINLINE uint64_t op_xor(uint64_t a, uint64_t b) { return a ^ b; }
static NOINLINE uint64_t op_mul(uint64_t a, uint64_t b) { return a * (b | 1); }
static NOINLINE uint64_t op_rol(uint64_t a, uint64_t b) { unsigned s = b & 63; return (a << s) | (a >> ((64 - s) & 63)); }
static NOINLINE uint64_t op_ror(uint64_t a, uint64_t b) { unsigned s = b & 63; return (a >> s) | (a << ((64 - s) & 63)); }
static NOINLINE uint64_t op_min(uint64_t a, uint64_t b) { return a < b ? a : b + a; }
static NOINLINE uint64_t op_max(uint64_t a, uint64_t b) { return a > b ? a : b ^ a; }
static NOINLINE uint64_t op_and(uint64_t a, uint64_t b) { return (a & b) + 0x1234567; }
static NOINLINE uint64_t op_or(uint64_t a, uint64_t b) { return (a | b) - b; }
static NOINLINE uint64_t op_shl(uint64_t a, uint64_t b) { return a + (b << 3); }
static NOINLINE uint64_t op_shr(uint64_t a, uint64_t b) { return a ^ (b >> 5); }
static NOINLINE uint64_t op_neg(uint64_t a, uint64_t b) { return -a + b; }
static NOINLINE uint64_t op_not(uint64_t a, uint64_t b) { return ~a ^ (b * 3); }
static NOINLINE uint64_t op_swap(uint64_t a, uint64_t b) { return __builtin_bswap64(a) + b; }
static NOINLINE uint64_t op_mix(uint64_t a, uint64_t b) { return bench_mix(a, b); }

/* Filled at setup (not const), so the compiler cannot resolve the calls. */
static operation table[OPS];
static uint8_t stream_ops[STREAM];
static uint64_t stream_args[STREAM];

void bench_setup(void)
{
    static const operation ops[OPS] = {op_add, op_sub, op_xor, op_mul, op_rol, op_ror, op_min, op_max,
                                       op_and, op_or, op_shl, op_shr, op_neg, op_not, op_swap, op_mix};
    for (int i = 0; i < OPS; i++) {
        table[i] = ops[i];
    }
    uint64_t state = 42;
    for (int i = 0; i < STREAM; i++) {
        uint64_t r = bench_random(&state);
        stream_ops[i] = r & (OPS - 1);
        stream_args[i] = r >> 8;
    }
}

uint64_t run(unsigned iterations)
{
    uint64_t sum = 0;
    for (unsigned i = 0; i < iterations; i++) {
        uint64_t acc = i;
        for (int k = 0; k < STREAM; k++) {
            acc = table[stream_ops[k]](acc, stream_args[k]);
        }
        sum = bench_mix(sum, acc);
    }
    return sum;
}
