package dev.trufflexen.x86.selftest;

import java.util.SplittableRandom;

import dev.trufflexen.x86.cpu.X86FpuState;

/**
 * The SSE side of generated cases: edge-biased single- and double-precision values for XMM
 * registers and data-page operands (signed zeros, denormals, the smallest normals, the largest
 * finite values, infinities, quiet and signaling NaNs with payloads, values at the limits of the
 * integer conversions, exact halves, random values), and MXCSR settings that exercise every
 * rounding mode, FTZ, DAZ, sticky flags and unmasked exceptions in a fraction of the cases.
 */
final class SseCaseValues {
    private static final double[] DOUBLE_EDGES = {0.0, -0.0, 1.0, -1.0, 0.5, 1.5, 2.5, -2.5, 3.0, 0.1, 1.0 / 3,
        Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, -Double.MIN_NORMAL, Double.MIN_NORMAL - Double.MIN_VALUE,
        Double.MAX_VALUE, -Double.MAX_VALUE, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0x1p31, -0x1p31, 0x1p31 - 1,
        0x1p31 - 0.5, -0x1p31 - 0.5, -0x1p31 - 1, 0x1p32, 0x1p63, -0x1p63, 0x1p63 - 1024, 0x1p53 + 2, 0x1p24 + 1, 0x1p-126,
        0x1p-149, 0x1p-127, 0x1p-150, 0x1p128, 0x1.fffffefp127, 0x1p-1022 * 1.5, 0x1p1023 * 1.5, 0x1p-1074 * 3, 65504.0};
    private static final float[] SINGLE_EDGES = {0f, -0f, 1f, -1f, 0.5f, 1.5f, 2.5f, -2.5f, 3f, 0.1f, 1f / 3,
        Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, -Float.MIN_NORMAL, Float.MIN_NORMAL - Float.MIN_VALUE,
        Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0x1p31f, -0x1p31f, 0x1p30f,
        0x1p63f, -0x1p63f, 0x1p62f, 0x1p24f + 2, 0x1p-125f, 0x1p127f * 1.5f, Float.MIN_NORMAL * 1.5f, Float.MIN_VALUE * 3};

    private final SplittableRandom random;

    SseCaseValues(SplittableRandom random) {
        this.random = random;
    }

    /** A 64-bit lane: two single-precision values, one double-precision value, or an integer pattern. */
    long quadword(long integerValue) {
        int roll = random.nextInt(100);
        if (roll < 25) {
            return integerValue;
        } else if (roll < 60) {
            return doubleBits();
        }
        return (singleBits() & 0xFFFF_FFFFL) | (long) singleBits() << 32;
    }

    long doubleBits() {
        int roll = random.nextInt(100);
        if (roll < 45) {
            return Double.doubleToRawLongBits(DOUBLE_EDGES[random.nextInt(DOUBLE_EDGES.length)]);
        } else if (roll < 55) {
            long sign = random.nextBoolean() ? Long.MIN_VALUE : 0;
            long quiet = random.nextBoolean() ? 1L << 51 : 0;
            long payload = random.nextInt(4) == 0 ? 0 : random.nextLong() & ((1L << 51) - 1);
            if (quiet == 0 && payload == 0) {
                payload = 1;
            }
            return sign | 0x7FF0_0000_0000_0000L | quiet | payload;
        } else if (roll < 62) {
            long sign = random.nextBoolean() ? Long.MIN_VALUE : 0;
            return sign | (random.nextLong() & ((1L << 52) - 1)); // denormal
        } else if (roll < 85) {
            long sign = random.nextBoolean() ? Long.MIN_VALUE : 0;
            long exponent = 1023 + random.nextInt(-70, 70);
            return sign | exponent << 52 | (random.nextLong() & ((1L << 52) - 1));
        } else if (roll < 92) {
            long sign = random.nextBoolean() ? Long.MIN_VALUE : 0;
            long exponent = random.nextBoolean() ? 1 + random.nextInt(60) : 2046 - random.nextInt(60);
            return sign | exponent << 52 | (random.nextLong() & ((1L << 52) - 1));
        }
        return Double.doubleToRawLongBits(random.nextInt(-100, 100) + (random.nextBoolean() ? 0.5 : 0));
    }

    int singleBits() {
        int roll = random.nextInt(100);
        if (roll < 45) {
            return Float.floatToRawIntBits(SINGLE_EDGES[random.nextInt(SINGLE_EDGES.length)]);
        } else if (roll < 55) {
            int sign = random.nextBoolean() ? Integer.MIN_VALUE : 0;
            int quiet = random.nextBoolean() ? 1 << 22 : 0;
            int payload = random.nextInt(4) == 0 ? 0 : random.nextInt() & ((1 << 22) - 1);
            if (quiet == 0 && payload == 0) {
                payload = 1;
            }
            return sign | 0x7F80_0000 | quiet | payload;
        } else if (roll < 62) {
            int sign = random.nextBoolean() ? Integer.MIN_VALUE : 0;
            return sign | (random.nextInt() & ((1 << 23) - 1));
        } else if (roll < 85) {
            int sign = random.nextBoolean() ? Integer.MIN_VALUE : 0;
            int exponent = 127 + random.nextInt(-30, 30);
            return sign | exponent << 23 | (random.nextInt() & ((1 << 23) - 1));
        } else if (roll < 92) {
            int sign = random.nextBoolean() ? Integer.MIN_VALUE : 0;
            int exponent = random.nextBoolean() ? 1 + random.nextInt(30) : 254 - random.nextInt(30);
            return sign | exponent << 23 | (random.nextInt() & ((1 << 23) - 1));
        }
        return Float.floatToRawIntBits(random.nextInt(-100, 100) + (random.nextBoolean() ? 0.5f : 0));
    }

    /** MXCSR: the default in most cases; else random rounding, FTZ, DAZ, sticky flags and masks. */
    int mxcsr() {
        if (random.nextInt(100) < 70) {
            return X86FpuState.MXCSR_DEFAULT;
        }
        int value = random.nextInt(4) << 13;
        if (random.nextInt(3) == 0) {
            value |= 0x8000;
        }
        if (random.nextInt(3) == 0) {
            value |= 0x40;
        }
        for (int mask = 0; mask < 6; mask++) {
            if (random.nextInt(100) < 80) {
                value |= 0x80 << mask;
            }
        }
        if (random.nextInt(4) == 0) {
            value |= random.nextInt(64);
        }
        return value;
    }

    /** Fills the data page's quadwords with float values (a fraction of them). */
    void fillData(byte[] data) {
        for (int at = 0; at + 8 <= data.length; at += 8) {
            if (random.nextInt(100) < 60) {
                long v = quadword(random.nextLong());
                for (int k = 0; k < 8; k++) {
                    data[at + k] = (byte) (v >>> (8 * k));
                }
            }
        }
    }
}
