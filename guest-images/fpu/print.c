/*
 * fpu: output lines, formatted with integer arithmetic only so the guest and
 * the host print the same bytes. Floating-point values are shown as their
 * exact bits and as C99 hex floats ("-0x1.8p+1", "0x0.0000000000001p-1022",
 * "inf", "nan(0x8000000000000)"), which are exact and need no rounding.
 */
#include "fpu.h"

static char line[256];
static size_t length;

static void put_char(char c)
{
    if (length < sizeof(line) - 1) {
        line[length++] = c;
    }
}

void out_str(const char *s)
{
    while (*s != '\0') {
        put_char(*s++);
    }
}

void out_hex(uint64_t value, int digits)
{
    static const char hex[] = "0123456789abcdef";
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
        put_char(hex[(value >> shift) & 0xf]);
    }
}

void out_dec(int64_t value)
{
    char digits[20];
    int n = 0;
    uint64_t magnitude = value < 0 ? 0 - (uint64_t)value : (uint64_t)value;
    if (value < 0) {
        put_char('-');
    }
    do {
        digits[n++] = (char)('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude != 0);
    while (n > 0) {
        put_char(digits[--n]);
    }
}

/*
 * A finite value as a hex float: lead is the digit before the point (0 or 1,
 * or the explicit integer bit of an x87 value), fraction holds the bits after
 * the point left-aligned, exponent is the power of two.
 */
static void put_hex_float(int negative, int lead, uint64_t fraction, int exponent)
{
    static const char hex[] = "0123456789abcdef";
    if (negative) {
        put_char('-');
    }
    out_str("0x");
    put_char((char)('0' + lead));
    if (fraction != 0) {
        put_char('.');
        while (fraction != 0) {
            put_char(hex[fraction >> 60]);
            fraction <<= 4;
        }
    }
    put_char('p');
    put_char(exponent < 0 ? '-' : '+');
    out_dec(exponent < 0 ? -(int64_t)exponent : exponent);
}

static void put_special(int negative, uint64_t payload, int is_nan)
{
    if (negative) {
        put_char('-');
    }
    if (!is_nan) {
        out_str("inf");
        return;
    }
    out_str("nan(0x");
    int digits = 1;
    while (digits < 16 && (payload >> (digits * 4)) != 0) {
        digits++;
    }
    out_hex(payload, digits);
    put_char(')');
}

static void put_ieee(uint64_t bits, int exponent_bits, int fraction_bits)
{
    int negative = (int)(bits >> (exponent_bits + fraction_bits)) & 1;
    uint64_t exponent_mask = (1ull << exponent_bits) - 1;
    uint64_t biased = (bits >> fraction_bits) & exponent_mask;
    uint64_t fraction = bits & ((1ull << fraction_bits) - 1);
    int bias = (int)(exponent_mask >> 1);
    if (biased == exponent_mask) {
        put_special(negative, fraction, fraction != 0);
    } else if (biased == 0) {
        put_hex_float(negative, 0, fraction << (64 - fraction_bits), fraction == 0 ? 0 : 1 - bias);
    } else {
        put_hex_float(negative, 1, fraction << (64 - fraction_bits), (int)biased - bias);
    }
}

void out_double(double value)
{
    union { double d; uint64_t u; } v = { .d = value };
    out_str("0x");
    out_hex(v.u, 16);
    out_str(" (");
    put_ieee(v.u, 11, 52);
    put_char(')');
}

void out_float(float value)
{
    union { float f; uint32_t u; } v = { .f = value };
    out_str("0x");
    out_hex(v.u, 8);
    out_str(" (");
    put_ieee(v.u, 8, 23);
    put_char(')');
}

void out_long_double(long double value)
{
    union { long double ld; struct { uint64_t significand; uint16_t sign_exponent; } parts; } v;
    __builtin_memset(&v, 0, sizeof(v));
    v.ld = value;
    uint64_t significand = v.parts.significand;
    int negative = v.parts.sign_exponent >> 15;
    int biased = v.parts.sign_exponent & 0x7fff;
    out_str("0x");
    out_hex(v.parts.sign_exponent, 4);
    put_char(':');
    out_hex(significand, 16);
    out_str(" (");
    if (biased == 0x7fff) {
        uint64_t payload = significand & 0x7fffffffffffffffull;
        put_special(negative, payload, payload != 0);
    } else {
        int exponent = biased == 0 ? -16382 : biased - 16383;
        if (biased == 0 && significand == 0) {
            exponent = 0;
        }
        put_hex_float(negative, (int)(significand >> 63), significand << 1, exponent);
    }
    put_char(')');
}

void out_end(void)
{
    line[length++] = '\n';
    fpu_write(line, length);
    length = 0;
}

void out_section(const char *name)
{
    out_str("== ");
    out_str(name);
    out_str(" ==");
    out_end();
}

static void label(const char *text)
{
    out_str(text);
    out_str(": ");
}

void say_double(const char *text, double value)
{
    label(text);
    out_double(value);
    out_end();
}

void say_float(const char *text, float value)
{
    label(text);
    out_float(value);
    out_end();
}

void say_long_double(const char *text, long double value)
{
    label(text);
    out_long_double(value);
    out_end();
}

void say_hex(const char *text, uint64_t value, int digits)
{
    label(text);
    out_str("0x");
    out_hex(value, digits);
    out_end();
}

void say_dec(const char *text, int64_t value)
{
    label(text);
    out_dec(value);
    out_end();
}

void say_comparisons(const char *label, const volatile int results[6], unsigned flags)
{
    out_str(label);
    out_str(": lt le eq ne gt ge = ");
    for (int i = 0; i < 6; i++) {
        out_dec(results[i]);
    }
    out_flags(flags);
    out_end();
}

void out_flags(unsigned flags)
{
    static const char *const names[] = { "IE", "DE", "ZE", "OE", "UE", "PE" };
    int any = 0;
    out_str(" flags=");
    for (int bit = 0; bit < 6; bit++) {
        if (flags & (1u << bit)) {
            if (any) {
                put_char(',');
            }
            out_str(names[bit]);
            any = 1;
        }
    }
    if (!any) {
        put_char('-');
    }
}

void say_double_flags(const char *text, double value, unsigned flags)
{
    label(text);
    out_double(value);
    out_flags(flags);
    out_end();
}

void say_float_flags(const char *text, float value, unsigned flags)
{
    label(text);
    out_float(value);
    out_flags(flags);
    out_end();
}

void say_long_double_flags(const char *text, long double value, unsigned flags)
{
    label(text);
    out_long_double(value);
    out_flags(flags);
    out_end();
}

void say_int_flags(const char *text, uint64_t value, int digits, unsigned flags)
{
    label(text);
    out_str("0x");
    out_hex(value, digits);
    out_flags(flags);
    out_end();
}
