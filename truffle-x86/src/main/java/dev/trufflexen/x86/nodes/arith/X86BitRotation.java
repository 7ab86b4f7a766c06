package dev.trufflexen.x86.nodes.arith;

/**
 * Rotates and double shifts of 8-, 16- and 32-bit operands held in a {@code long}, written so
 * that compiled code computes what the interpreter does.
 *
 * <p>The obvious form, {@code (a << c) | (a >>> (32 - c))} on a zero-extended 32-bit value, is
 * a 32-bit rotate only because the high half of {@code a} is zero, and compiled code did not
 * compute it as one: ROL and ROR by CL on a 32-bit register gave wrong values and a CF that was
 * always clear once the loop holding them was compiled, while the interpreter and the host
 * agreed ({@code X86RotateFlagsTest}; 64-bit rotates and rotates by a constant were right). A rotate here is a rotate of the operand's own width
 * ({@link Integer#rotateLeft}, {@link Long#rotateLeft}); an 8- or 16-bit operand is repeated
 * across an {@code int}, whose rotate then holds the narrow rotate in its low bits. A double
 * shift (SHLD, SHRD) of a narrow operand shifts the two operands joined in one {@code long}, so
 * {@code shld eax, eax, cl}, whose two reads the compiler may take for one value, is no rotate
 * pattern either.
 */
final class X86BitRotation {
    private X86BitRotation() {
    }

    /** ROL of the {@code size}-byte value {@code a} (zero-extended) by {@code c}, 0 <= c < its width. */
    static long rotateLeft(long a, int c, int size) {
        switch (size) {
            case 8:
                return Long.rotateLeft(a, c);
            case 4:
                return Integer.rotateLeft((int) a, c) & 0xffff_ffffL;
            case 2:
                return Integer.rotateLeft((int) (a * 0x0001_0001L), c) & 0xffffL;
            default:
                return Integer.rotateLeft((int) (a * 0x0101_0101L), c) & 0xffL;
        }
    }

    /** ROR of the {@code size}-byte value {@code a} (zero-extended) by {@code c}, 0 <= c < its width. */
    static long rotateRight(long a, int c, int size) {
        switch (size) {
            case 8:
                return Long.rotateRight(a, c);
            case 4:
                return Integer.rotateRight((int) a, c) & 0xffff_ffffL;
            case 2:
                return Integer.rotateRight((int) (a * 0x0001_0001L), c) & 0xffffL;
            default:
                return Integer.rotateRight((int) (a * 0x0101_0101L), c) & 0xffL;
        }
    }

    /**
     * SHLD: {@code a} shifted left by {@code n}, filled from the top of {@code b}; both
     * zero-extended {@code size}-byte values, 0 < n < the width.
     */
    static long shiftLeftDouble(long a, long b, int n, int size) {
        if (size == 8) {
            return (a << n) | (b >>> (64 - n));
        }
        int bits = size * 8;
        return ((((a << bits) | b) << n) >>> bits) & ((1L << bits) - 1);
    }

    /**
     * SHRD: {@code a} shifted right by {@code n}, filled from the bottom of {@code b}; both
     * zero-extended {@code size}-byte values, 0 < n < the width.
     */
    static long shiftRightDouble(long a, long b, int n, int size) {
        if (size == 8) {
            return (a >>> n) | (b << (64 - n));
        }
        int bits = size * 8;
        return (((b << bits) | a) >>> n) & ((1L << bits) - 1);
    }
}
