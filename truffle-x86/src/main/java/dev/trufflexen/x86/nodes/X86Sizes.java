package dev.trufflexen.x86.nodes;

/** Operand-size arithmetic. Sizes are in bytes (1, 2, 4, 8) and constant at every call site. */
public final class X86Sizes {
    private X86Sizes() {
    }

    public static long mask(int size) {
        return size == 8 ? -1L : (1L << (size * 8)) - 1;
    }

    public static int bits(int size) {
        return size * 8;
    }

    public static long signBit(int size) {
        return 1L << (size * 8 - 1);
    }

    /**
     * {@code value}'s low {@code size} bytes, sign-extended. Written as narrowing casts for the
     * operand sizes, which Graal compiles to one MOVSX (and a preceding truncation of the same
     * value folds into it), where a shift pair stayed two shifts after a mask.
     */
    public static long signExtend(long value, int size) {
        switch (size) {
            case 1:
                return (byte) value;
            case 2:
                return (short) value;
            case 4:
                return (int) value;
            case 8:
                return value;
            default:
                int shift = 64 - size * 8;
                return value << shift >> shift;
        }
    }

    /**
     * {@code value}'s low {@code size} bytes, zero-extended. The 4-byte case is a narrowing cast
     * and an unsigned widening, which Graal compiles to one 32-bit move (or none, when the value
     * comes from a 32-bit operation). {@code value & 0xFFFF_FFFFL} instead needs the mask in a
     * register, because AND's immediate is sign-extended: a hot region kept that constant in a
     * stack slot and ANDed with memory at every 32-bit result.
     */
    public static long truncate(long value, int size) {
        switch (size) {
            case 1:
                return value & 0xFF;
            case 2:
                return value & 0xFFFF;
            case 4:
                return Integer.toUnsignedLong((int) value);
            default:
                return value;
        }
    }

    /** log2 of the size: 0..3. */
    public static int log2(int size) {
        return Integer.numberOfTrailingZeros(size);
    }
}
