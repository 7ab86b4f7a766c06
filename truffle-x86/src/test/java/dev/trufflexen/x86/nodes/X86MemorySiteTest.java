package dev.trufflexen.x86.nodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.cpu.X86Engine;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.testing.X86TestMachine;

/**
 * How a frame-cached memory site (an operand inside a tight loop) misses: a site whose loop
 * touches more pages than its cache holds finds the page in the CPU's TLB inline and calls the
 * MMU out of line only when the TLB misses too. Runs in the interpreter, which uses the same
 * sites as compiled code.
 */
class X86MemorySiteTest {
    private static final int PASSES = 10_000;

    /** Runs {@code code} (which loops PASSES times over two data pages) and returns the MMU's out-of-line miss calls. */
    private static long fillingCallsOf(String code) {
        try (X86Engine engine = X86Engine.create(true, false); X86TestMachine m = new X86TestMachine(engine, true)) {
            m.code(code);
            assertEquals("halt", m.run());
            assertEquals(0, m.reg(X86Reg.RCX), "the loop ran to its end");
            return m.cpu.mmu().fillingCalls();
        }
    }

    /** mov ecx,PASSES; mov ebx,DATA; loop: mov [rbx],ecx; xor rbx,0x1000; dec ecx; jne loop; hlt */
    @Test
    void writesAlternatingBetweenTwoPagesHitTheTlbInline() {
        long calls = fillingCallsOf("b910270000" + "bb00006000" + "890b" + "4881f300100000" + "ffc9" + "75f3" + "f4");
        assertTrue(calls < 10, "out-of-line miss calls for " + PASSES + " writes over two pages: " + calls);
    }

    /** mov ecx,PASSES; mov ebx,DATA; loop: mov eax,[rbx]; xor rbx,0x1000; dec ecx; jne loop; hlt */
    @Test
    void readsAlternatingBetweenTwoPagesHitTheTlbInline() {
        long calls = fillingCallsOf("b910270000" + "bb00006000" + "8b03" + "4881f300100000" + "ffc9" + "75f3" + "f4");
        assertTrue(calls < 10, "out-of-line miss calls for " + PASSES + " reads over two pages: " + calls);
    }
}
