/*
 * fpu: SSE/SSE2 scalar arithmetic (double and float), special values,
 * comparisons, min/max, rounding modes through MXCSR, and denormals with and
 * without flush-to-zero / denormals-are-zero. Each result is printed with the
 * MXCSR exception flags its operation raised.
 */
#include "fpu.h"

#define DBL_MAX_BITS  0x7fefffffffffffffull
#define DBL_MIN_BITS  0x0010000000000000ull
#define DBL_TRUE_MIN_BITS 0x0000000000000001ull
#define QNAN_PAYLOAD_BITS 0x7ff8000000000123ull
#define SNAN_BITS     0x7ff0000000000001ull
#define NEG_QNAN_BITS 0xfff8000000000456ull

static inline double inf(void)
{
    return double_from_bits(0x7ff0000000000000ull);
}

static inline double sqrt_d(double x)
{
    return __builtin_sqrt(x);
}

static inline float sqrt_f(float x)
{
    return __builtin_sqrtf(x);
}

void sse_double_arithmetic(void)
{
    out_section("sse double arithmetic");
    SAY_SSE_DOUBLE("1.5 + 2.25", vd(1.5) + vd(2.25));
    SAY_SSE_DOUBLE("0.1 + 0.2", vd(0.1) + vd(0.2));
    SAY_SSE_DOUBLE("1e16 + 1", vd(1e16) + vd(1.0));
    SAY_SSE_DOUBLE("1e16 + 3", vd(1e16) + vd(3.0));
    SAY_SSE_DOUBLE("1 - 1e-17", vd(1.0) - vd(1e-17));
    SAY_SSE_DOUBLE("5 - 5", vd(5.0) - vd(5.0));
    SAY_SSE_DOUBLE("-0 - 0", vd(-0.0) - vd(0.0));
    SAY_SSE_DOUBLE("-0 + -0", vd(-0.0) + vd(-0.0));
    SAY_SSE_DOUBLE("0.1 * 3", vd(0.1) * vd(3.0));
    SAY_SSE_DOUBLE("-1.25 * 4096", vd(-1.25) * vd(4096.0));
    SAY_SSE_DOUBLE("1e200 * 1e200", vd(1e200) * vd(1e200));
    SAY_SSE_DOUBLE("1e-200 * 1e-200", vd(1e-200) * vd(1e-200));
    SAY_SSE_DOUBLE("1 / 3", vd(1.0) / vd(3.0));
    SAY_SSE_DOUBLE("2 / 3", vd(2.0) / vd(3.0));
    SAY_SSE_DOUBLE("-7 / 2", vd(-7.0) / vd(2.0));
    SAY_SSE_DOUBLE("1 / 10", vd(1.0) / vd(10.0));
    SAY_SSE_DOUBLE("22 / 7", vd(22.0) / vd(7.0));
    SAY_SSE_DOUBLE("sqrt 2", sqrt_d(vd(2.0)));
    SAY_SSE_DOUBLE("sqrt 16", sqrt_d(vd(16.0)));
    SAY_SSE_DOUBLE("sqrt 1e-300", sqrt_d(vd(1e-300)));
    SAY_SSE_DOUBLE("sqrt max", sqrt_d(vd(double_from_bits(DBL_MAX_BITS))));
    SAY_SSE_DOUBLE("max + max", vd(double_from_bits(DBL_MAX_BITS)) + vd(double_from_bits(DBL_MAX_BITS)));
    SAY_SSE_DOUBLE("-max * 2", vd(-double_from_bits(DBL_MAX_BITS)) * vd(2.0));
}

void sse_float_arithmetic(void)
{
    out_section("sse float arithmetic");
    SAY_SSE_FLOAT("1.5f + 2.25f", vf(1.5f) + vf(2.25f));
    SAY_SSE_FLOAT("0.1f + 0.2f", vf(0.1f) + vf(0.2f));
    SAY_SSE_FLOAT("16777216f + 1f", vf(16777216.0f) + vf(1.0f));
    SAY_SSE_FLOAT("16777216f + 3f", vf(16777216.0f) + vf(3.0f));
    SAY_SSE_FLOAT("1f - 1e-8f", vf(1.0f) - vf(1e-8f));
    SAY_SSE_FLOAT("0.1f * 3f", vf(0.1f) * vf(3.0f));
    SAY_SSE_FLOAT("1e30f * 1e30f", vf(1e30f) * vf(1e30f));
    SAY_SSE_FLOAT("1e-30f * 1e-30f", vf(1e-30f) * vf(1e-30f));
    SAY_SSE_FLOAT("1f / 3f", vf(1.0f) / vf(3.0f));
    SAY_SSE_FLOAT("-2f / 3f", vf(-2.0f) / vf(3.0f));
    SAY_SSE_FLOAT("1f / 0f", vf(1.0f) / vf(0.0f));
    SAY_SSE_FLOAT("0f / 0f", vf(0.0f) / vf(0.0f));
    SAY_SSE_FLOAT("sqrtf 2", sqrt_f(vf(2.0f)));
    SAY_SSE_FLOAT("sqrtf -4", sqrt_f(vf(-4.0f)));
    SAY_SSE_FLOAT("sqrtf 1e-40", sqrt_f(vf(1e-40f)));
}

void sse_special_values(void)
{
    double qnan = double_from_bits(QNAN_PAYLOAD_BITS);
    double snan = double_from_bits(SNAN_BITS);
    double neg_qnan = double_from_bits(NEG_QNAN_BITS);

    out_section("sse infinities and nans");
    SAY_SSE_DOUBLE("1 / 0", vd(1.0) / vd(0.0));
    SAY_SSE_DOUBLE("-1 / 0", vd(-1.0) / vd(0.0));
    SAY_SSE_DOUBLE("1 / -0", vd(1.0) / vd(-0.0));
    SAY_SSE_DOUBLE("0 / 0", vd(0.0) / vd(0.0));
    SAY_SSE_DOUBLE("inf - inf", vd(inf()) - vd(inf()));
    SAY_SSE_DOUBLE("inf + inf", vd(inf()) + vd(inf()));
    SAY_SSE_DOUBLE("inf * 0", vd(inf()) * vd(0.0));
    SAY_SSE_DOUBLE("inf / inf", vd(inf()) / vd(-inf()));
    SAY_SSE_DOUBLE("1 / inf", vd(1.0) / vd(inf()));
    SAY_SSE_DOUBLE("-1 / inf", vd(-1.0) / vd(inf()));
    SAY_SSE_DOUBLE("sqrt -1", sqrt_d(vd(-1.0)));
    SAY_SSE_DOUBLE("sqrt -0", sqrt_d(vd(-0.0)));
    SAY_SSE_DOUBLE("sqrt inf", sqrt_d(vd(inf())));
    SAY_SSE_DOUBLE("sqrt -inf", sqrt_d(vd(-inf())));
    SAY_SSE_DOUBLE("qnan + 1", vd(qnan) + vd(1.0));
    SAY_SSE_DOUBLE("1 + qnan", vd(1.0) + vd(qnan));
    SAY_SSE_DOUBLE("snan + 1", vd(snan) + vd(1.0));
    SAY_SSE_DOUBLE("1 * snan", vd(1.0) * vd(snan));
    SAY_SSE_DOUBLE("qnan + -qnan", vd(qnan) + vd(neg_qnan));
    SAY_SSE_DOUBLE("-qnan * qnan", vd(neg_qnan) * vd(qnan));
    SAY_SSE_DOUBLE("snan / qnan", vd(snan) / vd(qnan));
    SAY_SSE_DOUBLE("sqrt snan", sqrt_d(vd(snan)));
    SAY_SSE_DOUBLE("-qnan - 1", vd(neg_qnan) - vd(1.0));
    SAY_SSE_FLOAT("float snan + 1", vf(float_from_bits(0x7f800001u)) + vf(1.0f));
    SAY_SSE_FLOAT("float qnan * 2", vf(float_from_bits(0xffc00042u)) * vf(2.0f));
}

static void compare_pair(const char *label, double a_in, double b_in)
{
    volatile int results[6];
    set_mxcsr(MXCSR_DEFAULT);
    double a = vd(a_in);
    double b = vd(b_in);
    results[0] = a < b;
    results[1] = a <= b;
    results[2] = a == b;
    results[3] = a != b;
    results[4] = a > b;
    results[5] = a >= b;
    unsigned flags = get_mxcsr() & MXCSR_FLAGS;

    set_mxcsr(MXCSR_DEFAULT);
    volatile double minimum = vd(a_in) < vd(b_in) ? vd(a_in) : vd(b_in);
    volatile double maximum = vd(a_in) > vd(b_in) ? vd(a_in) : vd(b_in);
    unsigned minmax_flags = get_mxcsr() & MXCSR_FLAGS;

    say_comparisons(label, results, flags);
    out_str(label);
    out_str(": min ");
    out_double(minimum);
    out_str(" max ");
    out_double(maximum);
    out_flags(minmax_flags);
    out_end();
}

static void compare_float_pair(const char *label, float a_in, float b_in)
{
    volatile int results[6];
    set_mxcsr(MXCSR_DEFAULT);
    float a = vf(a_in);
    float b = vf(b_in);
    results[0] = a < b;
    results[1] = a <= b;
    results[2] = a == b;
    results[3] = a != b;
    results[4] = a > b;
    results[5] = a >= b;
    unsigned flags = get_mxcsr() & MXCSR_FLAGS;
    say_comparisons(label, results, flags);
}

void sse_comparisons(void)
{
    double qnan = double_from_bits(QNAN_PAYLOAD_BITS);
    double snan = double_from_bits(SNAN_BITS);

    out_section("sse comparisons and min/max");
    compare_pair("1 ? 2", 1.0, 2.0);
    compare_pair("2 ? 1", 2.0, 1.0);
    compare_pair("2 ? 2", 2.0, 2.0);
    compare_pair("-0 ? +0", -0.0, 0.0);
    compare_pair("+0 ? -0", 0.0, -0.0);
    compare_pair("inf ? max", inf(), double_from_bits(DBL_MAX_BITS));
    compare_pair("-inf ? -inf", -inf(), -inf());
    compare_pair("qnan ? 1", qnan, 1.0);
    compare_pair("1 ? qnan", 1.0, qnan);
    compare_pair("qnan ? qnan", qnan, qnan);
    compare_pair("snan ? 1", snan, 1.0);
    compare_pair("denormal ? 0", double_from_bits(DBL_TRUE_MIN_BITS), 0.0);
    compare_float_pair("float 1 ? 2", 1.0f, 2.0f);
    compare_float_pair("float qnan ? 1", float_from_bits(0x7fc00000u), 1.0f);
    compare_float_pair("float -0 ? 0", -0.0f, 0.0f);
}

/* Rounding-mode dependent operations, all computed under one MXCSR value. */
static void rounding_mode(const char *name, unsigned rc)
{
    volatile double d[8];
    volatile float f[3];
    volatile int64_t i[5];
    uint32_t mxcsr = MXCSR_DEFAULT | (rc << MXCSR_RC_SHIFT);

    set_mxcsr(mxcsr);
    d[0] = vd(1.0) / vd(3.0);
    d[1] = vd(-1.0) / vd(3.0);
    d[2] = sqrt_d(vd(2.0));
    d[3] = vd(1e16) + vd(1.0);
    d[4] = (double)vi64(9007199254740993ll);
    d[5] = (double)vi64(-9007199254740993ll);
    d[6] = vd(double_from_bits(DBL_MAX_BITS)) * vd(2.0);
    d[7] = vd(double_from_bits(DBL_TRUE_MIN_BITS)) * vd(0.5);
    f[0] = (float)vd(1.0 / 3.0);
    f[1] = vf(1.0f) / vf(3.0f);
    f[2] = (float)vi64(16777217);
    double x;
    for (int k = 0; k < 4; k++) {
        static const double inputs[4] = { 2.5, -2.5, 3.5, -0.5 };
        x = vd(inputs[k]);
        int64_t r;
        __asm__ volatile("cvtsd2si %1, %0" : "=r"(r) : "x"(x));
        i[k] = r;
    }
    i[4] = (int64_t)vd(-2.7);
    unsigned flags = get_mxcsr() & MXCSR_FLAGS;
    set_mxcsr(MXCSR_DEFAULT);

    out_str("-- rounding ");
    out_str(name);
    out_str(": mxcsr=0x");
    out_hex(mxcsr, 8);
    out_flags(flags);
    out_end();
    static const char *const double_labels[8] = {
        "1 / 3", "-1 / 3", "sqrt 2", "1e16 + 1", "(double)(2^53+1)", "(double)-(2^53+1)", "max * 2", "true_min * 0.5",
    };
    for (int k = 0; k < 8; k++) {
        say_double(double_labels[k], d[k]);
    }
    say_float("(float)(1.0/3.0)", f[0]);
    say_float("1f / 3f", f[1]);
    say_float("(float)16777217", f[2]);
    say_hex("cvtsd2si 2.5", (uint64_t)i[0], 16);
    say_hex("cvtsd2si -2.5", (uint64_t)i[1], 16);
    say_hex("cvtsd2si 3.5", (uint64_t)i[2], 16);
    say_hex("cvtsd2si -0.5", (uint64_t)i[3], 16);
    say_hex("cvttsd2si -2.7", (uint64_t)i[4], 16);
}

void sse_rounding_modes(void)
{
    out_section("sse rounding modes (mxcsr.rc)");
    rounding_mode("nearest", 0);
    rounding_mode("down", 1);
    rounding_mode("up", 2);
    rounding_mode("zero", 3);
}

static void denormal_ops(const char *name, uint32_t mxcsr)
{
    double min_normal = double_from_bits(DBL_MIN_BITS);
    double true_min = double_from_bits(DBL_TRUE_MIN_BITS);
    float float_true_min = float_from_bits(1u);
    double r;
    float rf;
    unsigned flags;

    out_str("-- denormals ");
    out_str(name);
    out_str(": mxcsr=0x");
    out_hex(mxcsr, 8);
    out_end();
    SSE_RESULT(double, mxcsr, vd(min_normal) / vd(2.0), r, flags);
    say_double_flags("min_normal / 2", r, flags);
    SSE_RESULT(double, mxcsr, vd(min_normal) / vd(3.0), r, flags);
    say_double_flags("min_normal / 3", r, flags);
    SSE_RESULT(double, mxcsr, vd(true_min) * vd(4503599627370496.0), r, flags);
    say_double_flags("true_min * 2^52", r, flags);
    SSE_RESULT(double, mxcsr, vd(true_min) + vd(true_min), r, flags);
    say_double_flags("true_min + true_min", r, flags);
    SSE_RESULT(double, mxcsr, vd(true_min) / vd(2.0), r, flags);
    say_double_flags("true_min / 2", r, flags);
    SSE_RESULT(double, mxcsr, vd(true_min) * vd(1.5), r, flags);
    say_double_flags("true_min * 1.5", r, flags);
    SSE_RESULT(double, mxcsr, vd(min_normal) - vd(double_from_bits(0x000fffffffffffffull)), r, flags);
    say_double_flags("min_normal - max_denormal", r, flags);
    SSE_RESULT(double, mxcsr, vd(double_from_bits(0x0008000000000000ull)) + vd(0.0), r, flags);
    say_double_flags("denormal + 0", r, flags);
    SSE_RESULT(double, mxcsr, sqrt_d(vd(true_min)), r, flags);
    say_double_flags("sqrt true_min", r, flags);
    SSE_RESULT(double, mxcsr, vd(1e-310) * vd(1e10), r, flags);
    say_double_flags("1e-310 * 1e10", r, flags);
    SSE_RESULT(float, mxcsr, vf(float_true_min) * vf(8388608.0f), rf, flags);
    say_float_flags("float true_min * 2^23", rf, flags);
    SSE_RESULT(float, mxcsr, vf(1e-38f) / vf(100.0f), rf, flags);
    say_float_flags("1e-38f / 100", rf, flags);
    SSE_RESULT(float, mxcsr, (float)vd(1e-40), rf, flags);
    say_float_flags("(float)1e-40", rf, flags);
    SSE_RESULT(double, mxcsr, (double)vf(float_true_min), r, flags);
    say_double_flags("(double)float_true_min", r, flags);
}

void sse_denormals(void)
{
    out_section("sse denormals");
    denormal_ops("ieee", MXCSR_DEFAULT);
    denormal_ops("ftz", MXCSR_DEFAULT | MXCSR_FTZ);
    denormal_ops("daz", MXCSR_DEFAULT | MXCSR_DAZ);
    denormal_ops("ftz+daz", MXCSR_DEFAULT | MXCSR_FTZ | MXCSR_DAZ);
}
