/*
 * fpu: conversions between integers, float and double in SSE registers:
 * truncation (C casts), negative and huge values, the integer indefinite
 * value for NaN and out-of-range inputs, inexact int64 -> double/float,
 * unsigned conversions (gcc's sequences around cvtsi2sd/cvttsd2si), and
 * float <-> double with overflow and underflow.
 */
#include "fpu.h"

static const double double_inputs[] = {
    0.0, -0.0, 2.9, -2.9, 0.5, -0.999, 2147483647.0, 2147483647.5, 2147483648.0, -2147483648.0,
    -2147483649.0, 4294967295.0, 4294967296.0, 9007199254740993.0, 9223372036854775807.0,
    -9223372036854775808.0, 18446744073709549568.0, 1e300,
};

static const char *const double_names[] = {
    "0", "-0", "2.9", "-2.9", "0.5", "-0.999", "2^31-1", "2^31-0.5", "2^31", "-2^31",
    "-2^31-1", "2^32-1", "2^32", "2^53+1", "2^63", "-2^63", "2^64-2048", "1e300",
};

static void double_to_integers(const char *name, double value)
{
    int32_t i32;
    int64_t i64;
    uint32_t u32;
    unsigned flags32, flags64, flagsu32;

    SSE_RESULT(int32_t, MXCSR_DEFAULT, (int32_t)vd(value), i32, flags32);
    SSE_RESULT(int64_t, MXCSR_DEFAULT, (int64_t)vd(value), i64, flags64);
    SSE_RESULT(uint32_t, MXCSR_DEFAULT, (uint32_t)(int64_t)vd(value), u32, flagsu32);
    out_str("(int) ");
    out_str(name);
    out_str(" = 0x");
    out_hex((uint32_t)i32, 8);
    out_flags(flags32);
    out_str("; (long) = 0x");
    out_hex((uint64_t)i64, 16);
    out_flags(flags64);
    out_str("; (unsigned)(long) = 0x");
    out_hex(u32, 8);
    out_flags(flagsu32);
    out_end();
}

static void double_to_unsigned64(const char *name, double value)
{
    uint64_t u64;
    unsigned flags;
    SSE_RESULT(uint64_t, MXCSR_DEFAULT, (uint64_t)vd(value), u64, flags);
    out_str("(unsigned long) ");
    out_str(name);
    out_str(" = 0x");
    out_hex(u64, 16);
    out_flags(flags);
    out_end();
}

static void integers_to_floating(const char *name, int64_t value)
{
    double d;
    float f;
    double from32;
    unsigned flags_d, flags_f, flags_32;

    SSE_RESULT(double, MXCSR_DEFAULT, (double)vi64(value), d, flags_d);
    SSE_RESULT(float, MXCSR_DEFAULT, (float)vi64(value), f, flags_f);
    SSE_RESULT(double, MXCSR_DEFAULT, (double)(int32_t)vi64(value), from32, flags_32);
    out_str("(double) ");
    out_str(name);
    out_str(" = ");
    out_double(d);
    out_flags(flags_d);
    out_end();
    out_str("(float) ");
    out_str(name);
    out_str(" = ");
    out_float(f);
    out_flags(flags_f);
    out_end();
    out_str("(double)(int) ");
    out_str(name);
    out_str(" = ");
    out_double(from32);
    out_flags(flags_32);
    out_end();
}

static void unsigned_to_floating(const char *name, uint64_t value)
{
    double d;
    float f;
    unsigned flags_d, flags_f;
    SSE_RESULT(double, MXCSR_DEFAULT, (double)vu64(value), d, flags_d);
    SSE_RESULT(float, MXCSR_DEFAULT, (float)vu64(value), f, flags_f);
    out_str("(double)(unsigned long) ");
    out_str(name);
    out_str(" = ");
    out_double(d);
    out_flags(flags_d);
    out_str("; (float) = ");
    out_float(f);
    out_flags(flags_f);
    out_end();
}

void conversions(void)
{
    out_section("conversions double -> integer (truncating casts)");
    for (unsigned k = 0; k < sizeof(double_inputs) / sizeof(double_inputs[0]); k++) {
        double_to_integers(double_names[k], double_inputs[k]);
    }
    double_to_integers("nan", double_from_bits(0x7ff8000000000000ull));
    double_to_integers("-inf", double_from_bits(0xfff0000000000000ull));
    double_to_integers("denormal", double_from_bits(1));
    double_to_unsigned64("0.75", 0.75);
    double_to_unsigned64("2^53+1", 9007199254740993.0);
    double_to_unsigned64("2^63", 9223372036854775808.0);
    double_to_unsigned64("2^63+2048", 9223372036854777856.0);
    double_to_unsigned64("2^64-2048", 18446744073709549568.0);

    out_section("conversions float -> integer");
    {
        static const float float_inputs[] = { 2.5f, -2.5f, 16777217.0f, 2147483520.0f, 2147483648.0f, -1e20f };
        static const char *const float_names[] = { "2.5f", "-2.5f", "2^24+1", "2^31-128", "2^31", "-1e20f" };
        for (unsigned k = 0; k < sizeof(float_inputs) / sizeof(float_inputs[0]); k++) {
            int32_t i32;
            int64_t i64;
            unsigned f32, f64;
            SSE_RESULT(int32_t, MXCSR_DEFAULT, (int32_t)vf(float_inputs[k]), i32, f32);
            SSE_RESULT(int64_t, MXCSR_DEFAULT, (int64_t)vf(float_inputs[k]), i64, f64);
            out_str("(int) ");
            out_str(float_names[k]);
            out_str(" = 0x");
            out_hex((uint32_t)i32, 8);
            out_flags(f32);
            out_str("; (long) = 0x");
            out_hex((uint64_t)i64, 16);
            out_flags(f64);
            out_end();
        }
    }

    out_section("conversions integer -> double and float");
    integers_to_floating("0", 0);
    integers_to_floating("-1", -1);
    integers_to_floating("123456789", 123456789);
    integers_to_floating("2^24+1", 16777217);
    integers_to_floating("-2^31", -2147483648ll);
    integers_to_floating("2^53+1", 9007199254740993ll);
    integers_to_floating("-(2^53+3)", -9007199254740995ll);
    integers_to_floating("2^63-1", 9223372036854775807ll);
    integers_to_floating("-2^63", (int64_t)0x8000000000000000ull);
    unsigned_to_floating("2^63", 0x8000000000000000ull);
    unsigned_to_floating("2^63+1", 0x8000000000000001ull);
    unsigned_to_floating("2^64-1", 0xffffffffffffffffull);
    unsigned_to_floating("2^64-1025", 0xfffffffffffffbffull);
    unsigned_to_floating("12345", 12345);

    out_section("conversions float <-> double");
    SAY_SSE_DOUBLE("(double)0.1f", (double)vf(0.1f));
    SAY_SSE_DOUBLE("(double)-inf f", (double)vf(float_from_bits(0xff800000u)));
    SAY_SSE_DOUBLE("(double)snan f", (double)vf(float_from_bits(0x7f800001u)));
    SAY_SSE_FLOAT("(float)0.1", (float)vd(0.1));
    SAY_SSE_FLOAT("(float)1e300", (float)vd(1e300));
    SAY_SSE_FLOAT("(float)-1e300", (float)vd(-1e300));
    SAY_SSE_FLOAT("(float)1e-300", (float)vd(1e-300));
    SAY_SSE_FLOAT("(float)3.4028235677973366e38", (float)vd(3.4028235677973366e38));
    SAY_SSE_FLOAT("(float)(1+2^-24)", (float)vd(1.0000000596046448));
    SAY_SSE_FLOAT("(float)(1+3*2^-24)", (float)vd(1.0000001788139343));
    SAY_SSE_FLOAT("(float)qnan payload", (float)vd(double_from_bits(0x7ff8000000000123ull | (0x5aull << 29))));
    SAY_SSE_FLOAT("(float)snan", (float)vd(double_from_bits(0xfff0000000000001ull)));
}
