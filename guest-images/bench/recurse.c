/*
 * recurse: deep recursion through several functions. A recursive-descent
 * evaluator walks expression trees of about 4,000 nodes (depth up to 24),
 * with one function per node kind calling back into the dispatcher, so calls
 * and returns cross many functions and nest deeply.
 */
#include "bench.h"

const char bench_name[] = "recurse";
const unsigned bench_default_iterations = 5000;

#define NODES 4096
#define NOINLINE __attribute__((noinline))

enum kind { LEAF, ADD, MUL, XOR, SELECT };

struct node {
    uint8_t kind;
    uint16_t left, right, third;
    uint64_t value;
};

static struct node nodes[NODES];
static unsigned node_count;

static uint64_t eval(unsigned n, uint64_t env);

static NOINLINE uint64_t eval_add(const struct node *x, uint64_t env)
{
    return eval(x->left, env) + eval(x->right, env + 1);
}

static NOINLINE uint64_t eval_mul(const struct node *x, uint64_t env)
{
    return eval(x->left, env) * (eval(x->right, env ^ 3) | 1);
}

static NOINLINE uint64_t eval_xor(const struct node *x, uint64_t env)
{
    uint64_t l = eval(x->left, env);
    return (l << 7 | l >> 57) ^ eval(x->right, env);
}

static NOINLINE uint64_t eval_select(const struct node *x, uint64_t env)
{
    return (eval(x->third, env) & 1) ? eval(x->left, env) : eval(x->right, env + 5);
}

static NOINLINE uint64_t eval(unsigned n, uint64_t env)
{
    const struct node *x = &nodes[n];
    switch (x->kind) {
    case ADD:
        return eval_add(x, env);
    case MUL:
        return eval_mul(x, env);
    case XOR:
        return eval_xor(x, env);
    case SELECT:
        return eval_select(x, env);
    default:
        return x->value + env;
    }
}

/*
 * Builds a random tree of at most `depth` levels; returns its root's index.
 * Inner nodes stop NODE_RESERVE short of the end: each pending ancestor may
 * still add two children, and there are at most `depth` ancestors.
 */
#define NODE_RESERVE 64
static unsigned build(uint64_t *state, unsigned depth)
{
    unsigned n = node_count++;
    uint64_t r = bench_random(state);
    if (depth == 0 || node_count + NODE_RESERVE >= NODES || (r & 7) == 0) {
        nodes[n].kind = LEAF;
        nodes[n].value = r >> 16;
        return n;
    }
    nodes[n].kind = 1 + (r >> 3) % 4;
    nodes[n].left = build(state, depth - 1);
    nodes[n].right = build(state, depth > 1 ? depth - 1 - ((r >> 9) & 1) : 0);
    nodes[n].third = nodes[n].kind == SELECT ? build(state, 2) : 0;
    return n;
}

void bench_setup(void)
{
    uint64_t state = 2024;
    build(&state, 24);
}

uint64_t run(unsigned iterations)
{
    uint64_t sum = 0;
    for (unsigned i = 0; i < iterations; i++) {
        sum = bench_mix(sum, eval(0, i));
    }
    return sum;
}
