/*
 * nbody: the Sun and the four giant planets under Newtonian gravity,
 * integrated with the symplectic Euler method in double precision (SSE2:
 * mulsd, addsd, divsd, sqrtsd). Built with SDK_FPU (see Makefile).
 * Each iteration advances 1000 steps of 0.01 years and folds the bits of the
 * system's energy and of every position into the checksum; run() restarts
 * from the same initial state, so every round computes the same checksum.
 */
#include "bench.h"

const char bench_name[] = "nbody";
const unsigned bench_default_iterations = 500;

#define BODIES 5
#define STEPS_PER_ITERATION 1000
#define PI 3.141592653589793
#define SOLAR_MASS (4 * PI * PI)
#define DAYS_PER_YEAR 365.24

struct body {
    double x, y, z;
    double vx, vy, vz;
    double mass;
};

/* Positions in AU, velocities in AU per day (scaled to years below), masses in solar masses. */
static const struct body initial[BODIES] = {
    { 0, 0, 0, 0, 0, 0, 1 },
    { 4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
      1.66007664274403694e-03, 7.69901118419740425e-03, -6.90460016972063023e-05, 9.54791938424326609e-04 },
    { 8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
      -2.76742510726862411e-03, 4.99852801234917238e-03, 2.30417297573763929e-05, 2.85885980666130812e-04 },
    { 1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
      2.96460137564761618e-03, 2.37847173959480950e-03, -2.96589568540237556e-05, 4.36624404335156298e-05 },
    { 1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
      2.68067772490389322e-03, 1.62824170038242295e-03, -9.51592254519715870e-05, 5.15138902046611451e-05 },
};

static struct body bodies[BODIES];
static struct body start[BODIES];

void bench_setup(void)
{
    /* Units: years and solar masses; the Sun's velocity cancels the system's momentum. */
    double px = 0, py = 0, pz = 0;
    for (int i = 0; i < BODIES; i++) {
        start[i] = initial[i];
        start[i].vx *= DAYS_PER_YEAR;
        start[i].vy *= DAYS_PER_YEAR;
        start[i].vz *= DAYS_PER_YEAR;
        start[i].mass *= SOLAR_MASS;
        px += start[i].vx * start[i].mass;
        py += start[i].vy * start[i].mass;
        pz += start[i].vz * start[i].mass;
    }
    start[0].vx = -px / SOLAR_MASS;
    start[0].vy = -py / SOLAR_MASS;
    start[0].vz = -pz / SOLAR_MASS;
}

static void advance(double dt)
{
    for (int i = 0; i < BODIES; i++) {
        struct body *a = &bodies[i];
        for (int j = i + 1; j < BODIES; j++) {
            struct body *b = &bodies[j];
            double dx = a->x - b->x;
            double dy = a->y - b->y;
            double dz = a->z - b->z;
            double distance2 = dx * dx + dy * dy + dz * dz;
            double distance = __builtin_sqrt(distance2);
            double magnitude = dt / (distance2 * distance);
            a->vx -= dx * b->mass * magnitude;
            a->vy -= dy * b->mass * magnitude;
            a->vz -= dz * b->mass * magnitude;
            b->vx += dx * a->mass * magnitude;
            b->vy += dy * a->mass * magnitude;
            b->vz += dz * a->mass * magnitude;
        }
    }
    for (int i = 0; i < BODIES; i++) {
        bodies[i].x += dt * bodies[i].vx;
        bodies[i].y += dt * bodies[i].vy;
        bodies[i].z += dt * bodies[i].vz;
    }
}

static double energy(void)
{
    double e = 0;
    for (int i = 0; i < BODIES; i++) {
        const struct body *a = &bodies[i];
        e += 0.5 * a->mass * (a->vx * a->vx + a->vy * a->vy + a->vz * a->vz);
        for (int j = i + 1; j < BODIES; j++) {
            const struct body *b = &bodies[j];
            double dx = a->x - b->x;
            double dy = a->y - b->y;
            double dz = a->z - b->z;
            e -= a->mass * b->mass / __builtin_sqrt(dx * dx + dy * dy + dz * dz);
        }
    }
    return e;
}

static uint64_t bits(double value)
{
    union { double d; uint64_t u; } v = { .d = value };
    return v.u;
}

uint64_t run(unsigned iterations)
{
    uint64_t sum = 0;
    for (int i = 0; i < BODIES; i++) {
        bodies[i] = start[i];
    }
    for (unsigned iteration = 0; iteration < iterations; iteration++) {
        for (int step = 0; step < STEPS_PER_ITERATION; step++) {
            advance(0.01);
        }
        sum = bench_mix(sum, bits(energy()));
        for (int i = 0; i < BODIES; i++) {
            sum = bench_mix(sum, bits(bodies[i].x) ^ bits(bodies[i].y) ^ bits(bodies[i].z));
        }
    }
    return sum;
}
