package dev.trufflexen.x86.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Rules of the x87 soft-float arithmetic, one case per rule (values as significand and sign/exponent word). */
class X87ExtendedTest {
    private static final long ONE = Long.MIN_VALUE;
    private static final int ONE_SE = 0x3FFF;
    private static final long THREE = 0xC000_0000_0000_0000L;
    private static final int THREE_SE = 0x4000;

    private static X87Extended unit(int fcw) {
        X87Extended x = new X87Extended();
        x.begin(fcw);
        return x;
    }

    @Test
    void oneThirdRoundsByPrecisionAndMode() {
        X87Extended x = unit(0x037F);
        assertTrue(x.divide(ONE, ONE_SE, THREE, THREE_SE));
        assertEquals(0xAAAA_AAAA_AAAA_AAABL, x.sig, "64-bit nearest rounds up");
        assertEquals(0x3FFD, x.se);
        assertEquals(X87Extended.PE | X87Extended.ROUNDED_UP, x.flags);
        x = unit(0x0F7F); // chop
        x.divide(ONE, ONE_SE, THREE, THREE_SE);
        assertEquals(0xAAAA_AAAA_AAAA_AAAAL, x.sig);
        assertEquals(X87Extended.PE, x.flags);
        x = unit(0x007F); // 24-bit precision
        x.divide(ONE, ONE_SE, THREE, THREE_SE);
        assertEquals(0xAAAA_AB00_0000_0000L, x.sig);
    }

    @Test
    void exactSubtractionGivesPlusZeroExceptRoundingDown() {
        X87Extended x = unit(0x037F);
        x.add(THREE, THREE_SE, THREE, THREE_SE, true);
        assertEquals(0, x.sig);
        assertEquals(0, x.se);
        x = unit(0x077F);
        x.add(THREE, THREE_SE, THREE, THREE_SE, true);
        assertEquals(0x8000, x.se);
    }

    @Test
    void maskedUnderflowDenormalizesAndFlagsOnlyWhenInexact() {
        X87Extended x = unit(0x037F);
        // 2^-16382 * 2^-1: exact denormal, no UE.
        x.multiply(ONE, 0x0001, ONE, 0x3FFE);
        assertEquals(0x4000_0000_0000_0000L, x.sig);
        assertEquals(0, x.se);
        assertEquals(0, x.flags);
        // (1 + 2^-63) * 2^-16382 / 2: the last bit is lost.
        x = unit(0x037F);
        x.multiply(ONE | 1, 0x0001, ONE, 0x3FFE);
        assertEquals(X87Extended.UE | X87Extended.PE, x.flags & (X87Extended.UE | X87Extended.PE));
    }

    @Test
    void unmaskedOverflowWrapsTheExponent() {
        X87Extended x = unit(0x0377); // OE unmasked
        assertTrue(x.multiply(ONE, 0x7FFE, ONE, 0x4000));
        assertEquals(0x7FFF - X87Extended.WRAP, x.se);
        assertEquals(X87Extended.OE, x.flags);
        x = unit(0x037F);
        x.multiply(ONE, 0x7FFE, ONE, 0x4000);
        assertEquals(0x7FFF, x.se, "masked: infinity");
        assertEquals(ONE, x.sig);
    }

    @Test
    void invalidOperationsGiveTheIndefinite() {
        X87Extended x = unit(0x037F);
        assertTrue(x.add(ONE, 0x7FFF, ONE, 0xFFFF, false));
        assertEquals(X87Extended.INDEFINITE_SIG, x.sig);
        assertEquals(X87Extended.INDEFINITE_SE, x.se);
        x = unit(0x037E); // IE unmasked: nothing delivered
        assertFalse(x.squareRoot(ONE, 0xBFFF));
        x = unit(0x037F);
        x.multiply(0x4000_0000_0000_0000L, 0x3FFF, ONE, ONE_SE); // unnormal
        assertEquals(X87Extended.IE, x.flags);
    }

    @Test
    void nanPropagationPrefersTheLargerSignificandAndQuietsSignalling() {
        X87Extended x = unit(0x037F);
        x.add(0xC000_0000_0000_0001L, 0x7FFF, 0x8000_0000_0000_0002L, 0x7FFF, false);
        assertEquals(0xC000_0000_0000_0001L, x.sig, "QNaN wins over SNaN");
        assertEquals(X87Extended.IE, x.flags);
        x = unit(0x037F);
        x.add(0xC000_0000_0000_0001L, 0x7FFF, 0xC000_0000_0000_0002L, 0xFFFF, false);
        assertEquals(0xC000_0000_0000_0002L, x.sig);
    }

    @Test
    void squareRootIsExactlyRounded() {
        X87Extended x = unit(0x037F);
        x.squareRoot(ONE, 0x4000); // sqrt(2)
        assertEquals(0xB504_F333_F9DE_6484L, x.sig);
        assertEquals(0x3FFF, x.se);
        x = unit(0x037F);
        x.squareRoot(0x9000_0000_0000_0000L, 0x4002); // sqrt(9) = 3
        assertEquals(THREE, x.sig);
        assertEquals(0, x.flags);
    }
}
