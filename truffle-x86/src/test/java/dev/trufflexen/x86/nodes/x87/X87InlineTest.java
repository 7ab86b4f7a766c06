package dev.trufflexen.x86.nodes.x87;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.testing.X86TestMachine;

/** The inline x87 moves, and the exact path they leave to (a denormal double's DE). */
class X87InlineTest {
    private static final double A = 1.5;
    private static final double B = -2.25;
    private static final long DENORMAL = 0x0000_0000_0000_0123L;

    @Test
    void movesKeepValuesAndStackAndLeaveFlagsToTheExactPath() {
        // fld qword [DATA]; fld qword [DATA+8]; fld st1; fxch st1; fstp st3;
        // fstp qword [DATA+0x10]; fstp qword [DATA+0x18]; fstp qword [DATA+0x30];
        // fld qword [DATA+0x20]; fstp qword [DATA+0x28]; fnstsw ax; hlt
        String code = "dd042500006000dd042508006000d9c1d9c9dddbdd1c2510006000dd1c2518006000dd1c2530006000"
                + "dd042520006000dd1c2528006000dfe0f4";
        try (X86TestMachine m = new X86TestMachine()) {
            m.code(code);
            m.write64(X86TestMachine.DATA, Double.doubleToRawLongBits(A));
            m.write64(X86TestMachine.DATA + 8, Double.doubleToRawLongBits(B));
            m.write64(X86TestMachine.DATA + 0x20, DENORMAL);
            assertEquals("halt", m.run());
            // [a, b, a] -> fxch -> [b, a, a] -> fstp st3 -> [a, a, b]: a, a, then b stored.
            assertEquals(Double.doubleToRawLongBits(A), m.read64(X86TestMachine.DATA + 0x10));
            assertEquals(Double.doubleToRawLongBits(A), m.read64(X86TestMachine.DATA + 0x18));
            assertEquals(Double.doubleToRawLongBits(B), m.read64(X86TestMachine.DATA + 0x30));
            assertEquals(DENORMAL, m.read64(X86TestMachine.DATA + 0x28), "stored back exactly");
            // Four pushes and five pops (FSTP ST(3) wrote a free register): TOP 1; C1 clear, and
            // only DE, which the load of the denormal raised.
            assertEquals(0x0802, m.reg(X86Reg.RAX) & 0xFFFF);
            assertEquals(0xFFFF, m.cpu.fpu().tagWord(), "all registers empty");
        }
    }
}
