package dev.trufflexen.x86.nodes.x87;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trufflexen.x86.cpu.X86FpuState;
import org.junit.jupiter.api.Test;

/** FPREM and FPREM1 where the result is ST(0) itself (a finite dividend by an infinite divisor). */
class X87RemainderTest {
    private static final long PSEUDO_DENORMAL_SIG = 0x8732_d0c0_a3dd_fdc9L;

    /** ST0 = (sig, se), ST1 = -infinity, default control word (every exception masked). */
    private static X86FpuState byInfinity(long sig, int se) {
        X86FpuState fpu = new X86FpuState();
        fpu.reset();
        fpu.setTop(6);
        fpu.setRegister(6, sig, se);
        fpu.setTag(6, X86FpuState.classify(sig, se));
        fpu.setRegister(7, 0x8000_0000_0000_0000L, 0xFFFF);
        fpu.setTag(7, X86FpuState.TAG_SPECIAL);
        return fpu;
    }

    @Test
    void pseudoDenormalByInfinityIsWrittenBackWithExponentOne() {
        for (boolean ieee : new boolean[] {false, true}) {
            X86FpuState fpu = byInfinity(PSEUDO_DENORMAL_SIG, 0x8000);
            X87RegisterOperations.remainder(fpu, ieee);
            assertEquals(PSEUDO_DENORMAL_SIG, fpu.significand(6), "FPREM" + (ieee ? "1" : ""));
            assertEquals(0x8001, fpu.signExponent(6), "the same value, canonical: biased exponent 1");
        }
    }

    @Test
    void denormalAndNormalByInfinityStayAsTheyAre() {
        long[][] values = {{0x0732_d0c0_a3dd_fdc9L, 0x0000}, {0xC000_0000_0000_0000L, 0x3FFF}};
        for (long[] value : values) {
            X86FpuState fpu = byInfinity(value[0], (int) value[1]);
            X87RegisterOperations.remainder(fpu, false);
            assertEquals(value[0], fpu.significand(6));
            assertEquals(value[1], fpu.signExponent(6));
        }
    }
}
