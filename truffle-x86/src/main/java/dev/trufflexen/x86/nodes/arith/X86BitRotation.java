package dev.trufflexen.x86.nodes.arith;

import dev.trufflexen.x86.nodes.X86Sizes;

/**
 * Rotates and double shifts of 8-, 16- and 32-bit operands held in a {@code long}, written so
 * that compiled code computes what the interpreter does.
 *
 * <p>The obvious form, {@code (a << c) | (a >>> (32 - c))} on a zero-extended 32-bit value, is
 * a 32-bit rotate only because the high half of {@code a} is zero, and compiled code did not
 * compute it as one: ROL and ROR by CL on a 32-bit register gave wrong values and a CF that was
 * always clear once the loop holding them was compiled, while the interpreter and the host
 * agreed ({@code X86RotateFlagsTest}; 64-bit rotates and rotates by a constant were right). A
 * rotate here is a rotate of the operand's own width ({@link Integer#rotateLeft},
 * {@link Long#rotateLeft}); an 8- or 16-bit operand is repeated
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
        if (size == 8) {
            return Long.rotateLeft(a, c);
        }
        return Integer.rotateLeft(repeated(a, size), c) & X86Sizes.mask(size);
    }

    /** ROR of the {@code size}-byte value {@code a} (zero-extended) by {@code c}, 0 <= c < its width. */
    static long rotateRight(long a, int c, int size) {
        if (size == 8) {
            return Long.rotateRight(a, c);
        }
        return Integer.rotateRight(repeated(a, size), c) & X86Sizes.mask(size);
    }

    /**
     * The zero-extended 1-, 2- or 4-byte value {@code a} repeated across an {@code int}: rotating
     * that by less than the operand's width leaves the operand's rotate in the low bits.
     */
    private static int repeated(long a, int size) {
        switch (size) {
            case 4:
                return (int) a;
            case 2:
                return (int) (a * 0x0001_0001L);
            default:
                return (int) (a * 0x0101_0101L);
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
        int bits = X86Sizes.bits(size);
        return X86Sizes.truncate((((a << bits) | b) << n) >>> bits, size);
    }

    /**
     * SHRD: {@code a} shifted right by {@code n}, filled from the bottom of {@code b}; both
     * zero-extended {@code size}-byte values, 0 < n < the width.
     */
    static long shiftRightDouble(long a, long b, int n, int size) {
        if (size == 8) {
            return (a >>> n) | (b << (64 - n));
        }
        return X86Sizes.truncate(((b << X86Sizes.bits(size)) | a) >>> n, size);
    }
}
