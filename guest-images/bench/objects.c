/*
 * objects: a small object system with virtual dispatch. Shapes of four
 * classes, each with a vtable of three methods, are updated and measured in
 * a loop over a heterogeneous array, as object-oriented code does.
 */
#include "bench.h"

const char bench_name[] = "objects";
const unsigned bench_default_iterations = 80;

#define SHAPES 4096
#define NOINLINE __attribute__((noinline))

struct shape;
struct shape_class {
    int64_t (*area)(const struct shape *s);
    int64_t (*perimeter)(const struct shape *s);
    void (*grow)(struct shape *s, int64_t by);
};

struct shape {
    const struct shape_class *klass;
    int64_t a, b, c;
};

static NOINLINE int64_t square_area(const struct shape *s) { return s->a * s->a; }
static NOINLINE int64_t square_perimeter(const struct shape *s) { return 4 * s->a; }
static NOINLINE void square_grow(struct shape *s, int64_t by) { s->a = (s->a + by) & 1023; }

static NOINLINE int64_t rect_area(const struct shape *s) { return s->a * s->b; }
static NOINLINE int64_t rect_perimeter(const struct shape *s) { return 2 * (s->a + s->b); }
static NOINLINE void rect_grow(struct shape *s, int64_t by) { s->a = (s->a + by) & 1023; s->b = (s->b + 2 * by) & 1023; }

static NOINLINE int64_t tri_area(const struct shape *s) { return (s->a * s->b) / 2; }
static NOINLINE int64_t tri_perimeter(const struct shape *s) { return s->a + s->b + s->c; }
static NOINLINE void tri_grow(struct shape *s, int64_t by) { s->c = (s->c + by) & 1023; }

static NOINLINE int64_t ring_area(const struct shape *s) { return 3 * (s->a * s->a - s->b * s->b); }
static NOINLINE int64_t ring_perimeter(const struct shape *s) { return 6 * (s->a + s->b); }
static NOINLINE void ring_grow(struct shape *s, int64_t by) { s->a = (s->a + by) & 1023; s->b = s->a >> 1; }

static const struct shape_class square = {square_area, square_perimeter, square_grow};
static const struct shape_class rect = {rect_area, rect_perimeter, rect_grow};
static const struct shape_class tri = {tri_area, tri_perimeter, tri_grow};
static const struct shape_class ring = {ring_area, ring_perimeter, ring_grow};

static struct shape shapes[SHAPES];
/* The shapes as set up: every round starts from them, so every round computes the same checksum. */
static struct shape initial[SHAPES];
/* Filled at setup, so the compiler cannot know which class an object has. */
static const struct shape_class *classes[4];

void bench_setup(void)
{
    classes[0] = &square;
    classes[1] = &rect;
    classes[2] = &tri;
    classes[3] = &ring;
    uint64_t state = 7;
    for (int i = 0; i < SHAPES; i++) {
        uint64_t r = bench_random(&state);
        shapes[i].klass = classes[r & 3];
        shapes[i].a = (r >> 8) & 1023;
        shapes[i].b = (r >> 20) & 511;
        shapes[i].c = (r >> 32) & 1023;
        initial[i] = shapes[i];
    }
}

uint64_t run(unsigned iterations)
{
    uint64_t sum = 0;
    for (int k = 0; k < SHAPES; k++) {
        shapes[k] = initial[k];
    }
    for (unsigned i = 0; i < iterations; i++) {
        uint64_t total = 0;
        for (int k = 0; k < SHAPES; k++) {
            struct shape *s = &shapes[k];
            total += (uint64_t)s->klass->area(s);
            total ^= (uint64_t)s->klass->perimeter(s) << (k & 7);
            s->klass->grow(s, (int64_t)(i + k) & 15);
        }
        sum = bench_mix(sum, total);
    }
    return sum;
}
