/*
 * fpu: x87 long double (80-bit extended precision): + - * / and fsqrt,
 * special values, conversions to and from long long (fild/fistp, truncating
 * casts and rounding through fistp under the control word's rounding mode),
 * to and from double and float, comparisons (fucomip/fcomip), and the
 * control word's precision and rounding fields set with fldcw. Each result is
 * printed with the x87 status word's exception flags.
 */
#include "fpu.h"

static inline long double sqrt_ld(long double x)
{
    return __builtin_sqrtl(x);
}

static inline long double ld_inf(void)
{
    return (long double)double_from_bits(0x7ff0000000000000ull);
}

static long double ld_from_parts(uint16_t sign_exponent, uint64_t significand)
{
    union { long double ld; struct { uint64_t significand; uint16_t sign_exponent; } parts; } v;
    __builtin_memset(&v, 0, sizeof(v));
    v.parts.significand = significand;
    v.parts.sign_exponent = sign_exponent;
    return v.ld;
}

/* fistp: rounds with the control word's rounding mode (a C cast always truncates). */
static inline int64_t fistp64(long double x)
{
    int64_t r;
    __asm__ volatile("fistpll %0" : "=m"(r) : "t"(x) : "st");
    return r;
}

void x87_arithmetic(void)
{
    long double ld_max = ld_from_parts(0x7ffe, 0xffffffffffffffffull);
    long double ld_min = ld_from_parts(0x0001, 0x8000000000000000ull);
    long double snan = ld_from_parts(0x7fff, 0xa000000000000000ull);
    long double qnan = ld_from_parts(0x7fff, 0xc000000000000123ull);

    out_section("x87 long double arithmetic");
    SAY_X87("1.5L + 2.25L", vld(1.5L) + vld(2.25L));
    SAY_X87("1L + 2^-63", vld(1.0L) + vld(1.0L / 9223372036854775808.0L));
    SAY_X87("1L + 2^-64", vld(1.0L) + vld(1.0L / 18446744073709551616.0L));
    SAY_X87("0.1L + 0.2L", vld(0.1L) + vld(0.2L));
    SAY_X87("5L - 5L", vld(5.0L) - vld(5.0L));
    SAY_X87("-0L - 0L", vld(-0.0L) - vld(0.0L));
    SAY_X87("0.1L * 3L", vld(0.1L) * vld(3.0L));
    SAY_X87("1e4000L * 1e4000L", vld(1e4000L) * vld(1e4000L));
    SAY_X87("1e-4000L * 1e-4000L", vld(1e-4000L) * vld(1e-4000L));
    SAY_X87("1L / 3L", vld(1.0L) / vld(3.0L));
    SAY_X87("2L / 3L", vld(2.0L) / vld(3.0L));
    SAY_X87("-7L / 2L", vld(-7.0L) / vld(2.0L));
    SAY_X87("22L / 7L", vld(22.0L) / vld(7.0L));
    SAY_X87("sqrtl 2", sqrt_ld(vld(2.0L)));
    SAY_X87("sqrtl 3", sqrt_ld(vld(3.0L)));
    SAY_X87("sqrtl 1e-4000L", sqrt_ld(vld(1e-4000L)));
    SAY_X87("max + max", vld(ld_max) + vld(ld_max));
    SAY_X87("min / 2", vld(ld_min) / vld(2.0L));
    SAY_X87("min / 3", vld(ld_min) / vld(3.0L));
    SAY_X87("min * 2^-63", vld(ld_min) / vld(9223372036854775808.0L));

    out_section("x87 infinities and nans");
    SAY_X87("1L / 0L", vld(1.0L) / vld(0.0L));
    SAY_X87("-1L / 0L", vld(-1.0L) / vld(0.0L));
    SAY_X87("0L / 0L", vld(0.0L) / vld(0.0L));
    SAY_X87("inf - inf", vld(ld_inf()) - vld(ld_inf()));
    SAY_X87("inf * 0", vld(ld_inf()) * vld(0.0L));
    SAY_X87("sqrtl -1", sqrt_ld(vld(-1.0L)));
    SAY_X87("sqrtl -0", sqrt_ld(vld(-0.0L)));
    SAY_X87("sqrtl inf", sqrt_ld(vld(ld_inf())));
    SAY_X87("qnan + 1", vld(qnan) + vld(1.0L));
    SAY_X87("snan + 1", vld(snan) + vld(1.0L));
    SAY_X87("snan * qnan", vld(snan) * vld(qnan));
    SAY_X87("1 / -inf", vld(1.0L) / vld(-ld_inf()));
}

void x87_conversions(void)
{
    static const long double inputs[] = {
        2.5L, -2.5L, 3.5L, -0.5L, 2.9L, -2.9L, 9223372036854775807.0L, -9223372036854775808.0L,
        9223372036854775808.0L, 1e19L, -1e30L,
    };
    static const char *const names[] = {
        "2.5", "-2.5", "3.5", "-0.5", "2.9", "-2.9", "2^63-1", "-2^63", "2^63", "1e19", "-1e30",
    };

    out_section("x87 conversions");
    for (unsigned k = 0; k < sizeof(inputs) / sizeof(inputs[0]); k++) {
        int64_t cast;
        int64_t rounded;
        int32_t cast32;
        unsigned flags_cast, flags_rounded, flags_cast32;
        X87_RESULT(int64_t, (int64_t)vld(inputs[k]), cast, flags_cast);
        X87_RESULT(int64_t, fistp64(vld(inputs[k])), rounded, flags_rounded);
        X87_RESULT(int32_t, (int32_t)vld(inputs[k]), cast32, flags_cast32);
        out_str("(long long) ");
        out_str(names[k]);
        out_str("L = 0x");
        out_hex((uint64_t)cast, 16);
        out_flags(flags_cast);
        out_str("; fistp = 0x");
        out_hex((uint64_t)rounded, 16);
        out_flags(flags_rounded);
        out_str("; (int) = 0x");
        out_hex((uint32_t)cast32, 8);
        out_flags(flags_cast32);
        out_end();
    }
    {
        int64_t r;
        unsigned flags;
        X87_RESULT(int64_t, (int64_t)vld(ld_from_parts(0x7fff, 0xc000000000000000ull)), r, flags);
        say_int_flags("(long long) nanL", (uint64_t)r, 16, flags);
    }
    SAY_X87("(long double) 2^63-1", (long double)vi64(9223372036854775807ll));
    SAY_X87("(long double) -2^63", (long double)vi64((int64_t)0x8000000000000000ull));
    SAY_X87("(long double) -123456789", (long double)vi64(-123456789));
    SAY_X87("(long double) (int) -7", (long double)(int32_t)vi64(-7));
    SAY_X87("(long double) 0.1", (long double)vd(0.1));
    SAY_X87("(long double) 0.1f", (long double)vf(0.1f));
    SAY_X87("(long double) double true_min", (long double)vd(double_from_bits(1)));
    SAY_X87("(long double) double snan", (long double)vd(double_from_bits(0x7ff0000000000001ull)));
    {
        double d;
        float f;
        unsigned flags;
        X87_RESULT(double, (double)vld(1.0L / 3.0L), d, flags);
        say_double_flags("(double) 1/3L", d, flags);
        X87_RESULT(double, (double)vld(1e4000L), d, flags);
        say_double_flags("(double) 1e4000L", d, flags);
        X87_RESULT(double, (double)vld(1e-4000L), d, flags);
        say_double_flags("(double) 1e-4000L", d, flags);
        X87_RESULT(double, (double)vld(ld_from_parts(0x3fff, 0x8000000000000400ull)), d, flags);
        say_double_flags("(double) 1+2^-53 exactly half", d, flags);
        X87_RESULT(double, (double)vld(ld_from_parts(0x3fff, 0x8000000000000c00ull)), d, flags);
        say_double_flags("(double) 1+3*2^-53 exactly half", d, flags);
        X87_RESULT(float, (float)vld(1.0L / 3.0L), f, flags);
        say_float_flags("(float) 1/3L", f, flags);
        X87_RESULT(float, (float)vld(1e40L), f, flags);
        say_float_flags("(float) 1e40L", f, flags);
    }
}

static void compare_ld(const char *label, long double a_in, long double b_in)
{
    volatile int results[6];
    clear_x87_flags();
    long double a = vld(a_in);
    long double b = vld(b_in);
    results[0] = a < b;
    results[1] = a <= b;
    results[2] = a == b;
    results[3] = a != b;
    results[4] = a > b;
    results[5] = a >= b;
    unsigned flags = get_fsw() & FSW_FLAGS;
    say_comparisons(label, results, flags);
}

void x87_comparisons(void)
{
    out_section("x87 comparisons");
    compare_ld("1L ? 2L", 1.0L, 2.0L);
    compare_ld("2L ? 1L", 2.0L, 1.0L);
    compare_ld("1L ? 1L+2^-63", 1.0L, ld_from_parts(0x3fff, 0x8000000000000001ull));
    compare_ld("-0L ? 0L", -0.0L, 0.0L);
    compare_ld("inf ? max", ld_inf(), ld_from_parts(0x7ffe, 0xffffffffffffffffull));
    compare_ld("qnan ? 1", ld_from_parts(0x7fff, 0xc000000000000000ull), 1.0L);
    compare_ld("1 ? snan", 1.0L, ld_from_parts(0x7fff, 0x8000000000000001ull));
}

static void x87_mode(const char *name, uint16_t fcw)
{
    volatile long double ld[6];
    volatile double d[2];
    volatile int64_t i[5];

    clear_x87_flags();
    set_fcw(fcw);
    ld[0] = vld(1.0L) / vld(3.0L);
    ld[1] = vld(-1.0L) / vld(3.0L);
    ld[2] = sqrt_ld(vld(2.0L));
    ld[3] = vld(1.0L) + vld(ld_from_parts(0x3fbf, 0xc000000000000000ull));
    ld[4] = vld(0.1L) * vld(0.1L);
    ld[5] = vld(ld_from_parts(0x7ffe, 0xffffffffffffffffull)) * vld(2.0L);
    d[0] = (double)vld(1.0L / 3.0L);
    d[1] = (double)vld(-1.0L / 3.0L);
    i[0] = fistp64(vld(2.5L));
    i[1] = fistp64(vld(-2.5L));
    i[2] = fistp64(vld(3.5L));
    i[3] = fistp64(vld(-0.5L));
    i[4] = (int64_t)vld(-2.7L);
    unsigned flags = get_fsw() & FSW_FLAGS;
    uint16_t fcw_seen = get_fcw();
    set_fcw(FCW_DEFAULT);
    clear_x87_flags();

    out_str("-- x87 control word ");
    out_str(name);
    out_str(": fcw=0x");
    out_hex(fcw_seen, 4);
    out_flags(flags);
    out_end();
    static const char *const labels[6] = { "1L / 3L", "-1L / 3L", "sqrtl 2", "1L + 3*2^-65", "0.1L * 0.1L", "max * 2" };
    for (int k = 0; k < 6; k++) {
        say_long_double(labels[k], ld[k]);
    }
    say_double("(double) 1/3L", d[0]);
    say_double("(double) -1/3L", d[1]);
    say_hex("fistp 2.5", (uint64_t)i[0], 16);
    say_hex("fistp -2.5", (uint64_t)i[1], 16);
    say_hex("fistp 3.5", (uint64_t)i[2], 16);
    say_hex("fistp -0.5", (uint64_t)i[3], 16);
    say_hex("(long long) -2.7L", (uint64_t)i[4], 16);
}

void x87_control_word(void)
{
    out_section("x87 control word (fldcw)");
    x87_mode("extended, nearest", FCW_DEFAULT);
    x87_mode("extended, down", FCW_DEFAULT | (1u << FCW_RC_SHIFT));
    x87_mode("extended, up", FCW_DEFAULT | (2u << FCW_RC_SHIFT));
    x87_mode("extended, zero", FCW_DEFAULT | (3u << FCW_RC_SHIFT));
    x87_mode("double precision", (FCW_DEFAULT & ~(3u << FCW_PC_SHIFT)) | (2u << FCW_PC_SHIFT));
    x87_mode("single precision", FCW_DEFAULT & ~(3u << FCW_PC_SHIFT));
    x87_mode("single precision, up", (FCW_DEFAULT & ~(3u << FCW_PC_SHIFT)) | (2u << FCW_RC_SHIFT));
}
