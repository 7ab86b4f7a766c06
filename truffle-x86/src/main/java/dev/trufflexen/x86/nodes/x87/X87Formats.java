package dev.trufflexen.x86.nodes.x87;

import dev.trufflexen.x86.cpu.X87Extended;

/**
 * Conversions between the extended format and the memory formats x87 instructions load and
 * store: single and double precision, 16/32/64-bit integers and 18-digit packed BCD. Loads of
 * floats are exact (denormals are normalized, with DE); stores round under the rounding mode
 * with the format's own exponent range.
 */
public final class X87Formats {
    public static final int SINGLE = 4;
    public static final int DOUBLE = 8;
    public static final long BCD_INDEFINITE_LOW = 0xC000_0000_0000_0000L;
    public static final int BCD_INDEFINITE_HIGH = 0xFFFF;

    private X87Formats() {
    }

    /** Loads a float of {@code size} 4 or 8 bytes into x.sig/x.se; DE for a denormal. */
    public static void fromFloat(X87Extended x, long bits, int size) {
        int mantissaBits = size == SINGLE ? 23 : 52;
        int exponentBits = size == SINGLE ? 8 : 11;
        int bias = size == SINGLE ? 127 : 1023;
        boolean sign = (bits >>> (size * 8 - 1) & 1) != 0;
        int exp = (int) (bits >>> mantissaBits) & ((1 << exponentBits) - 1);
        long mantissa = bits & ((1L << mantissaBits) - 1);
        int signWord = sign ? 0x8000 : 0;
        if (exp == (1 << exponentBits) - 1) {
            x.sig = X87Extended.INTEGER_BIT | (mantissa << (63 - mantissaBits));
            x.se = signWord | 0x7FFF;
        } else if (exp == 0) {
            if (mantissa == 0) {
                x.sig = 0;
                x.se = signWord;
            } else {
                x.flags |= X87Extended.DE;
                int shift = Long.numberOfLeadingZeros(mantissa);
                x.sig = mantissa << shift;
                x.se = signWord | (1 - bias + X87Extended.BIAS - (shift - (63 - mantissaBits)));
            }
        } else {
            x.sig = X87Extended.INTEGER_BIT | (mantissa << (63 - mantissaBits));
            x.se = signWord | (exp - bias + X87Extended.BIAS);
        }
    }

    /** The float of {@code size} bytes for ST value sig/se; {@link X87Extended#storeAllowed} false when an unmasked exception forbids the store. */
    public static long toFloat(X87Extended x, long sig, int se, int size) {
        int mantissaBits = size == SINGLE ? 23 : 52;
        int bias = size == SINGLE ? 127 : 1023;
        int maxBiased = size == SINGLE ? 0xFF : 0x7FF;
        long signBit = (se & 0x8000) != 0 ? 1L << (size * 8 - 1) : 0;
        long expField = (long) maxBiased << mantissaBits;
        x.storeAllowed = true;
        int cls = X87Extended.classify(sig, se);
        switch (cls) {
            case X87Extended.ZERO:
                return signBit;
            case X87Extended.INFINITY:
                return signBit | expField;
            case X87Extended.UNSUPPORTED:
                x.flags |= X87Extended.IE;
                x.storeAllowed = x.masked(X87Extended.IE);
                return (1L << (size * 8 - 1)) | expField | (1L << (mantissaBits - 1));
            case X87Extended.QNAN:
            case X87Extended.SNAN:
                if (cls == X87Extended.SNAN) {
                    x.flags |= X87Extended.IE;
                    x.storeAllowed = x.masked(X87Extended.IE);
                }
                return signBit | expField | ((sig | X87Extended.QUIET_BIT) << 1 >>> (64 - mantissaBits));
            default:
                break;
        }
        boolean sign = (se & 0x8000) != 0;
        int biased = se & 0x7FFF;
        int exp = (biased == 0 ? 1 : biased) - X87Extended.BIAS - Long.numberOfLeadingZeros(sig);
        long normalized = sig << Long.numberOfLeadingZeros(sig);
        x.roundTo(sign, exp, normalized, 0, mantissaBits + 1, bias, maxBiased, 0, false);
        if (!x.storeAllowed) {
            return 0;
        }
        int resultExp = x.resultExp;
        long mantissa = (x.sig << 1) >>> (64 - mantissaBits);
        if (resultExp >= maxBiased) {
            mantissa = 0;
        }
        return signBit | ((long) resultExp << mantissaBits) | mantissa;
    }

    /** The integer of {@code size} bytes for sig/se (rounded by RC, or truncated); the integer indefinite when invalid. */
    public static long toInteger(X87Extended x, long sig, int se, int size, boolean truncate) {
        long indefinite = 1L << (size * 8 - 1);
        x.storeAllowed = true;
        int cls = X87Extended.classify(sig, se);
        if (cls == X87Extended.ZERO) {
            return 0;
        }
        if (cls != X87Extended.NORMAL && cls != X87Extended.DENORMAL) {
            return invalidInteger(x, indefinite);
        }
        boolean sign = (se & 0x8000) != 0;
        int biased = se & 0x7FFF;
        int exp = (biased == 0 ? 1 : biased) - X87Extended.BIAS - Long.numberOfLeadingZeros(sig);
        long normalized = sig << Long.numberOfLeadingZeros(sig);
        int saved = x.flags;
        long magnitude = x.integerMagnitude(sign, exp, normalized, truncate ? X87Extended.CHOP : x.roundingMode());
        long limit = size == 8 ? Long.MIN_VALUE : 1L << (size * 8 - 1);
        if (x.integerOverflow || Long.compareUnsigned(magnitude, limit) > 0 || !sign && magnitude == limit) {
            x.flags = saved;
            return invalidInteger(x, indefinite);
        }
        if (x.lastInexact()) {
            x.flags |= X87Extended.PE;
        }
        if (x.lastRoundedUp()) {
            x.flags |= X87Extended.ROUNDED_UP;
        }
        long value = sign ? -magnitude : magnitude;
        return size == 8 ? value : value & ((1L << (size * 8)) - 1);
    }

    private static long invalidInteger(X87Extended x, long indefinite) {
        x.flags |= X87Extended.IE;
        x.storeAllowed = x.masked(X87Extended.IE);
        return indefinite;
    }

    /** Loads a signed integer of {@code size} bytes (zero-extended in {@code raw}). */
    public static void fromInteger(X87Extended x, long raw, int size) {
        long value = size == 8 ? raw : (raw << (64 - size * 8)) >> (64 - size * 8);
        x.fromInteger(value < 0, value < 0 ? -value : value);
    }

    /** Packed BCD: low 8 bytes in {@code low}, the ninth digit pair and the sign byte in {@code high}. */
    public static void fromBcd(X87Extended x, long low, int high) {
        long value = 0;
        for (int digit = 17; digit >= 0; digit--) {
            int nibble = digit >= 16 ? (high >>> ((digit - 16) * 4)) & 0xF : (int) (low >>> (digit * 4)) & 0xF;
            value = value * 10 + nibble;
        }
        x.fromInteger((high & 0x8000) != 0, value);
    }

    /** The low eight BCD bytes; the ninth digit pair and the sign byte are left in {@code x.se}. */
    public static long toBcd(X87Extended x, long sig, int se) {
        x.storeAllowed = true;
        int cls = X87Extended.classify(sig, se);
        boolean sign = (se & 0x8000) != 0;
        if (cls == X87Extended.ZERO) {
            x.se = sign ? 0x8000 : 0;
            return 0;
        }
        if (cls != X87Extended.NORMAL && cls != X87Extended.DENORMAL) {
            return invalidBcd(x);
        }
        int biased = se & 0x7FFF;
        int exp = (biased == 0 ? 1 : biased) - X87Extended.BIAS - Long.numberOfLeadingZeros(sig);
        long normalized = sig << Long.numberOfLeadingZeros(sig);
        int saved = x.flags;
        long magnitude = x.integerMagnitude(sign, exp, normalized, x.roundingMode());
        if (x.integerOverflow || Long.compareUnsigned(magnitude, 999_999_999_999_999_999L) > 0) {
            x.flags = saved;
            return invalidBcd(x);
        }
        if (x.lastInexact()) {
            x.flags |= X87Extended.PE;
        }
        if (x.lastRoundedUp()) {
            x.flags |= X87Extended.ROUNDED_UP;
        }
        long low = 0;
        for (int digit = 0; digit < 16; digit++) {
            low |= (magnitude % 10) << (digit * 4);
            magnitude /= 10;
        }
        int top = (int) (magnitude % 10) | (int) (magnitude / 10) << 4;
        x.se = top | (sign ? 0x8000 : 0);
        return low;
    }

    private static long invalidBcd(X87Extended x) {
        x.flags |= X87Extended.IE;
        x.storeAllowed = x.masked(X87Extended.IE);
        x.se = BCD_INDEFINITE_HIGH;
        return BCD_INDEFINITE_LOW;
    }
}
