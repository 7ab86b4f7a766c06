package dev.trufflexen.x86.nodes.sse4;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Host-independent checks of the SSSE3/SSE4 arithmetic (the differential tester compares it
 * with the host CPU; these pin a few rules down where no oracle runs).
 */
class X86Sse4ArithmeticTest {
    private static final int DEFAULT_MXCSR = 0x1F80;

    private static long half(int op, int half, long d0, long d1, long s0, long s1, int imm) {
        return X86PackedIntegerOps.half(op, half, d0, d1, s0, s1, imm, 0, 0);
    }

    @Test
    void shuffleAlignAndSaturate() {
        long d0 = 0x0706_0504_0302_0100L;
        long d1 = 0x0F0E_0D0C_0B0A_0908L;
        assertEquals(0x0001_0203_0405_0607L, half(X86PackedIntegerOps.PSHUFB, 1, d0, d1, 0, 0x0001_0203_0405_0607L, 0),
                "PSHUFB gathers destination bytes by index");
        assertEquals(0x0000_0000_0000_000FL, half(X86PackedIntegerOps.PSHUFB, 0, d0, d1, 0x8080_8080_8080_800FL, 0, 0),
                "an index with bit 7 set gives zero");
        assertEquals(0x0302_0100_1F1E_1D1CL, half(X86PackedIntegerOps.PALIGNR, 0, d0, d1, 0x1716_1514_1312_1110L,
                0x1F1E_1D1C_1B1A_1918L, 12), "PALIGNR takes source bytes, then destination bytes");
        assertEquals(0x7FFFL, half(X86PackedIntegerOps.PHADDSW, 0, 0x7FFF_7FFFL, 0, 0, 0, 0) & 0xFFFF, "PHADDSW saturates");
        assertEquals(0x0080L, half(X86PackedIntegerOps.PABSB, 0, 0, 0, 0x80, 0, 0), "PABSB of -128 is 0x80");
        assertEquals(0x0000_0000_FFFF_0000L, half(X86PackedIntegerOps.PACKUSDW, 0, 0x0001_0000_FFFF_FFFFL, 0, 0, 0, 0),
                "PACKUSDW clamps -1 to 0 and 65536 to 65535");
    }

    @Test
    void productsRoundOnceAndReportExceptions() {
        X86SoftFloat single = new X86SoftFloat(false, DEFAULT_MXCSR);
        assertEquals(Float.floatToIntBits(3.0f), single.multiply(Float.floatToIntBits(1.5f), Float.floatToIntBits(2.0f)));
        assertEquals(0, single.flags);
        assertEquals(0x7F80_0000L, single.multiply(0x7F7F_FFFFL, Float.floatToIntBits(2.0f)), "overflow to infinity");
        assertEquals(X86SoftFloat.OVERFLOW | X86SoftFloat.PRECISION, single.flags);

        X86SoftFloat towardZero = new X86SoftFloat(false, DEFAULT_MXCSR | 0x6000);
        assertEquals(0x7F7F_FFFFL, towardZero.multiply(0x7F7F_FFFFL, Float.floatToIntBits(2.0f)), "overflow to the largest finite");

        X86SoftFloat flush = new X86SoftFloat(false, DEFAULT_MXCSR | X86SoftFloat.MXCSR_FTZ);
        assertEquals(0x8000_0000L, flush.multiply(0x8080_0000L, Float.floatToIntBits(0.5f)), "FTZ flushes a tiny result");
        assertEquals(X86SoftFloat.UNDERFLOW | X86SoftFloat.PRECISION, flush.flags);

        X86SoftFloat gradual = new X86SoftFloat(false, DEFAULT_MXCSR);
        assertEquals(0x0040_0000L, gradual.multiply(0x0080_0000L, Float.floatToIntBits(0.5f)), "an exact denormal result");
        assertEquals(0, gradual.flags, "tiny but exact: no underflow while it is masked");
    }

    @Test
    void nanRulesAndSignedZeroSums() {
        X86SoftFloat d = new X86SoftFloat(true, DEFAULT_MXCSR);
        long signalling = 0x7FF0_0000_0000_0001L;
        assertEquals(0x7FF8_0000_0000_0001L, d.multiply(signalling, Double.doubleToLongBits(1.0)), "an SNaN is quieted");
        assertEquals(X86SoftFloat.INVALID, d.flags);
        assertEquals(0xFFF8_0000_0000_0000L, d.multiply(0x7FF0_0000_0000_0000L, 0), "infinity times zero: the default NaN");
        assertEquals(0x7FF8_0000_0000_0002L, d.add(0x7FF8_0000_0000_0002L, 0x7FF8_0000_0000_0003L), "the first NaN wins");

        X86SoftFloat down = new X86SoftFloat(true, DEFAULT_MXCSR | 0x2000);
        assertEquals(0x8000_0000_0000_0000L, down.add(Double.doubleToLongBits(1.0), Double.doubleToLongBits(-1.0)),
                "x + (-x) is -0 when rounding down");
        X86SoftFloat nearest = new X86SoftFloat(true, DEFAULT_MXCSR);
        assertEquals(0L, nearest.add(Double.doubleToLongBits(1.0), Double.doubleToLongBits(-1.0)));
        assertEquals(Double.doubleToLongBits(1.0 + 0x1p-52), nearest.add(Double.doubleToLongBits(1.0),
                Double.doubleToLongBits(0x1p-52 + 0x1p-105)), "sticky bits break the tie upwards");
    }
}
