package dev.trufflexen.x86.nodes.sse;

/**
 * The element-wise integer operations of SSE2 on one 64-bit half of a register: the same
 * operation is applied to the low and high quadwords independently. Elements are 8, 16, 32 or 64
 * bits; {@link #apply} takes a constant operation, so partial evaluation keeps one arm.
 */
public final class X86PackedIntegerOps {
    public static final int AND = 0;
    public static final int AND_NOT = 1;
    public static final int OR = 2;
    public static final int XOR = 3;
    public static final int ADD_B = 4;
    public static final int ADD_W = 5;
    public static final int ADD_D = 6;
    public static final int ADD_Q = 7;
    public static final int SUB_B = 8;
    public static final int SUB_W = 9;
    public static final int SUB_D = 10;
    public static final int SUB_Q = 11;
    public static final int ADD_SIGNED_SATURATE_B = 12;
    public static final int ADD_SIGNED_SATURATE_W = 13;
    public static final int ADD_UNSIGNED_SATURATE_B = 14;
    public static final int ADD_UNSIGNED_SATURATE_W = 15;
    public static final int SUB_SIGNED_SATURATE_B = 16;
    public static final int SUB_SIGNED_SATURATE_W = 17;
    public static final int SUB_UNSIGNED_SATURATE_B = 18;
    public static final int SUB_UNSIGNED_SATURATE_W = 19;
    public static final int COMPARE_EQUAL_B = 20;
    public static final int COMPARE_EQUAL_W = 21;
    public static final int COMPARE_EQUAL_D = 22;
    public static final int COMPARE_GREATER_B = 23;
    public static final int COMPARE_GREATER_W = 24;
    public static final int COMPARE_GREATER_D = 25;
    public static final int MULTIPLY_LOW_W = 26;
    public static final int MULTIPLY_HIGH_W = 27;
    public static final int MULTIPLY_HIGH_UNSIGNED_W = 28;
    public static final int MULTIPLY_UNSIGNED_DQ = 29;
    public static final int MULTIPLY_ADD_WD = 30;
    public static final int SUM_ABSOLUTE_DIFFERENCES_B = 31;
    public static final int AVERAGE_B = 32;
    public static final int AVERAGE_W = 33;
    public static final int MIN_UNSIGNED_B = 34;
    public static final int MAX_UNSIGNED_B = 35;
    public static final int MIN_SIGNED_W = 36;
    public static final int MAX_SIGNED_W = 37;

    private static final long HIGH_BITS_B = 0x8080_8080_8080_8080L;
    private static final long HIGH_BITS_W = 0x8000_8000_8000_8000L;
    private static final long HIGH_BITS_D = 0x8000_0000_8000_0000L;

    private X86PackedIntegerOps() {
    }

    public static long apply(int operation, long a, long b) {
        switch (operation) {
            case AND:
                return a & b;
            case AND_NOT:
                return ~a & b;
            case OR:
                return a | b;
            case XOR:
                return a ^ b;
            case ADD_B:
                return add(a, b, HIGH_BITS_B);
            case ADD_W:
                return add(a, b, HIGH_BITS_W);
            case ADD_D:
                return add(a, b, HIGH_BITS_D);
            case ADD_Q:
                return a + b;
            case SUB_B:
                return subtract(a, b, HIGH_BITS_B);
            case SUB_W:
                return subtract(a, b, HIGH_BITS_W);
            case SUB_D:
                return subtract(a, b, HIGH_BITS_D);
            case SUB_Q:
                return a - b;
            case MULTIPLY_UNSIGNED_DQ:
                return (a & 0xFFFF_FFFFL) * (b & 0xFFFF_FFFFL);
            case MULTIPLY_ADD_WD:
                return multiplyAdd(a, b);
            case SUM_ABSOLUTE_DIFFERENCES_B:
                return sumAbsoluteDifferences(a, b);
            default:
                return lanes(operation, a, b, elementBits(operation));
        }
    }

    private static int elementBits(int operation) {
        return switch (operation) {
            case ADD_SIGNED_SATURATE_B, ADD_UNSIGNED_SATURATE_B, SUB_SIGNED_SATURATE_B, SUB_UNSIGNED_SATURATE_B,
                COMPARE_EQUAL_B, COMPARE_GREATER_B, AVERAGE_B, MIN_UNSIGNED_B, MAX_UNSIGNED_B -> 8;
            case COMPARE_EQUAL_D, COMPARE_GREATER_D -> 32;
            default -> 16;
        };
    }

    private static long add(long a, long b, long highBits) {
        return ((a & ~highBits) + (b & ~highBits)) ^ ((a ^ b) & highBits);
    }

    private static long subtract(long a, long b, long highBits) {
        return ((a | highBits) - (b & ~highBits)) ^ ((a ^ ~b) & highBits);
    }

    private static long lanes(int operation, long a, long b, int bits) {
        long mask = (1L << bits) - 1;
        int unused = 64 - bits;
        long result = 0;
        for (int shift = 0; shift < 64; shift += bits) {
            long ua = (a >>> shift) & mask;
            long ub = (b >>> shift) & mask;
            long sa = (a << (unused - shift)) >> unused;
            long sb = (b << (unused - shift)) >> unused;
            result |= (element(operation, ua, ub, sa, sb, bits) & mask) << shift;
        }
        return result;
    }

    /** One element: {@code ua}/{@code ub} zero-extended, {@code sa}/{@code sb} sign-extended. */
    private static long element(int operation, long ua, long ub, long sa, long sb, int bits) {
        long signedMax = (1L << (bits - 1)) - 1;
        long signedMin = -(1L << (bits - 1));
        long unsignedMax = (1L << bits) - 1;
        switch (operation) {
            case ADD_SIGNED_SATURATE_B, ADD_SIGNED_SATURATE_W:
                return Math.max(signedMin, Math.min(signedMax, sa + sb));
            case SUB_SIGNED_SATURATE_B, SUB_SIGNED_SATURATE_W:
                return Math.max(signedMin, Math.min(signedMax, sa - sb));
            case ADD_UNSIGNED_SATURATE_B, ADD_UNSIGNED_SATURATE_W:
                return Math.min(unsignedMax, ua + ub);
            case SUB_UNSIGNED_SATURATE_B, SUB_UNSIGNED_SATURATE_W:
                return Math.max(0, ua - ub);
            case COMPARE_EQUAL_B, COMPARE_EQUAL_W, COMPARE_EQUAL_D:
                return ua == ub ? -1 : 0;
            case COMPARE_GREATER_B, COMPARE_GREATER_W, COMPARE_GREATER_D:
                return sa > sb ? -1 : 0;
            case MULTIPLY_LOW_W:
                return sa * sb;
            case MULTIPLY_HIGH_W:
                return (sa * sb) >> 16;
            case MULTIPLY_HIGH_UNSIGNED_W:
                return (ua * ub) >>> 16;
            case AVERAGE_B, AVERAGE_W:
                return (ua + ub + 1) >>> 1;
            case MIN_UNSIGNED_B:
                return Math.min(ua, ub);
            case MAX_UNSIGNED_B:
                return Math.max(ua, ub);
            case MIN_SIGNED_W:
                return Math.min(sa, sb);
            default: // MAX_SIGNED_W
                return Math.max(sa, sb);
        }
    }

    /** PMADDWD: each doubleword is the sum of two signed word products (wrapping at 32 bits). */
    private static long multiplyAdd(long a, long b) {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 32) {
            long sum = (long) (short) (a >>> shift) * (short) (b >>> shift)
                    + (long) (short) (a >>> (shift + 16)) * (short) (b >>> (shift + 16));
            result |= (sum & 0xFFFF_FFFFL) << shift;
        }
        return result;
    }

    /** PSADBW: the sum of the eight absolute byte differences, in the low word. */
    private static long sumAbsoluteDifferences(long a, long b) {
        long sum = 0;
        for (int shift = 0; shift < 64; shift += 8) {
            sum += Math.abs(((a >>> shift) & 0xFF) - ((b >>> shift) & 0xFF));
        }
        return sum;
    }
}
