/*
 * interp: a switch-dispatched bytecode interpreter (8 registers, 16 opcodes)
 * running a program that sums Collatz sequence lengths and a branchy
 * digit-classification loop. The dispatch is one switch in a loop, so the
 * work is indirect or chained branches on data-dependent opcodes.
 */
#include "bench.h"

const char bench_name[] = "interp";
const unsigned bench_default_iterations = 20;

enum opcode {
    OP_LOADI,  /* r[a] = imm */
    OP_MOV,    /* r[a] = r[b] */
    OP_ADD,    /* r[a] += r[b] */
    OP_SUB,    /* r[a] -= r[b] */
    OP_ADDI,   /* r[a] += imm */
    OP_MUL,    /* r[a] *= r[b] */
    OP_AND,    /* r[a] &= r[b] */
    OP_XOR,    /* r[a] ^= r[b] */
    OP_SHRI,   /* r[a] >>= imm */
    OP_REMI,   /* r[a] %= imm (unsigned) */
    OP_JMP,    /* pc = imm */
    OP_JZ,     /* if r[a] == 0: pc = imm */
    OP_JNZ,    /* if r[a] != 0: pc = imm */
    OP_JLT,    /* if r[a] < r[b]: pc = imm */
    OP_JEQI,   /* if r[a] == b: pc = imm */
    OP_HALT,
};

struct insn {
    uint8_t op, a, b;
    int32_t imm;
};

/*
 * r0 = n (from the host), r1 = end, r7 = total
 * for (; n < end; n++) { x = n; while (x != 1) { x = x odd ? 3x+1 : x/2; total++;
 *                        if (x % 10 == 7) total += 3; } }
 */
static const struct insn program[] = {
    /* 0 */ {OP_LOADI, 2, 0, 1},        /* r2 = 1 */
    /* 1 */ {OP_LOADI, 3, 0, 3},        /* r3 = 3 */
    /* 2 */ {OP_JLT, 0, 1, 4},          /* outer: if n < end goto body */
    /* 3 */ {OP_HALT, 0, 0, 0},
    /* 4 */ {OP_MOV, 4, 0, 0},          /* x = n */
    /* 5 */ {OP_JEQI, 4, 1, 17},        /* inner: if x == 1 goto next */
    /* 6 */ {OP_MOV, 5, 4, 0},          /* t = x & 1 */
    /* 7 */ {OP_AND, 5, 2, 0},
    /* 8 */ {OP_JZ, 5, 0, 12},          /* even? */
    /* 9 */ {OP_MUL, 4, 3, 0},          /* x = 3x + 1 */
    /* 10 */ {OP_ADD, 4, 2, 0},
    /* 11 */ {OP_JMP, 0, 0, 13},
    /* 12 */ {OP_SHRI, 4, 0, 1},        /* x >>= 1 */
    /* 13 */ {OP_ADDI, 7, 0, 1},        /* total++ */
    /* 14 */ {OP_MOV, 6, 4, 0},         /* if x % 10 == 7: total += 3 */
    /* 15 */ {OP_REMI, 6, 0, 10},
    /* 16 */ {OP_JEQI, 6, 7, 19},
    /* 17 */ {OP_JMP, 0, 0, 20},
    /* 18 */ {OP_HALT, 0, 0, 0},
    /* 19 */ {OP_ADDI, 7, 0, 3},
    /* 20 */ {OP_JEQI, 4, 1, 22},       /* x == 1: this n is done */
    /* 21 */ {OP_JMP, 0, 0, 5},
    /* 22 */ {OP_ADDI, 0, 0, 1},        /* n++ */
    /* 23 */ {OP_XOR, 7, 2, 0},         /* perturb the total a little */
    /* 24 */ {OP_JMP, 0, 0, 2},
};

static uint64_t execute(const struct insn *code, uint64_t n, uint64_t end)
{
    uint64_t r[8] = {n, end, 0, 0, 0, 0, 0, 0};
    unsigned pc = 0;
    for (;;) {
        const struct insn *in = &code[pc++];
        switch (in->op) {
        case OP_LOADI: r[in->a] = (uint64_t)(int64_t)in->imm; break;
        case OP_MOV: r[in->a] = r[in->b]; break;
        case OP_ADD: r[in->a] += r[in->b]; break;
        case OP_SUB: r[in->a] -= r[in->b]; break;
        case OP_ADDI: r[in->a] += (uint64_t)(int64_t)in->imm; break;
        case OP_MUL: r[in->a] *= r[in->b]; break;
        case OP_AND: r[in->a] &= r[in->b]; break;
        case OP_XOR: r[in->a] ^= r[in->b]; break;
        case OP_SHRI: r[in->a] >>= in->imm; break;
        case OP_REMI: r[in->a] %= (uint64_t)in->imm; break;
        case OP_JMP: pc = (unsigned)in->imm; break;
        case OP_JZ: if (r[in->a] == 0) pc = (unsigned)in->imm; break;
        case OP_JNZ: if (r[in->a] != 0) pc = (unsigned)in->imm; break;
        case OP_JLT: if (r[in->a] < r[in->b]) pc = (unsigned)in->imm; break;
        case OP_JEQI: if (r[in->a] == in->b) pc = (unsigned)in->imm; break;
        case OP_HALT: return r[7];
        default: return ~0ull;
        }
    }
}

void bench_setup(void)
{
}

uint64_t run(unsigned iterations)
{
    uint64_t sum = 0;
    for (unsigned i = 0; i < iterations; i++) {
        uint64_t first = 1 + (uint64_t)(i % 64) * 1000;
        sum = bench_mix(sum, execute(program, first, first + 1000));
    }
    return sum;
}
