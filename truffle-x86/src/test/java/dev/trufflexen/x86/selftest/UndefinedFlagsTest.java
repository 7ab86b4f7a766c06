package dev.trufflexen.x86.selftest;

import static dev.trufflexen.x86.cpu.X86Rflags.AF;
import static dev.trufflexen.x86.cpu.X86Rflags.CF;
import static dev.trufflexen.x86.cpu.X86Rflags.OF;
import static dev.trufflexen.x86.cpu.X86Rflags.PF;
import static dev.trufflexen.x86.cpu.X86Rflags.SF;
import static dev.trufflexen.x86.cpu.X86Rflags.STATUS;
import static dev.trufflexen.x86.cpu.X86Rflags.ZF;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HexFormat;

import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.decoder.X86Decoder;

/** The undefined-flag table (Intel SDM "Flags Affected") and the scope of the known differences. */
class UndefinedFlagsTest {
    private static long undefined(String hex, long rcx) {
        long[] registers = new long[X86Reg.COUNT];
        registers[X86Reg.RCX] = rcx;
        return UndefinedFlags.of(X86Decoder.decode(HexFormat.of().parseHex(hex), 0, SelftestLayout.CODE), registers);
    }

    @Test
    void arithmeticLogicAndMultiply() {
        assertEquals(0, undefined("4801c8", 0), "add rax, rcx: all defined");
        assertEquals(AF, undefined("4821c8", 0), "and rax, rcx: AF");
        assertEquals(SF | ZF | AF | PF, undefined("48f7e1", 0), "mul rcx");
        assertEquals(STATUS, undefined("48f7f1", 0), "div rcx");
        assertEquals(OF | SF | AF | PF, undefined("480fa3c8", 0), "bt rax, rcx");
        assertEquals(CF | OF | SF | AF | PF, undefined("480fbcc1", 0), "bsf rax, rcx");
    }

    @Test
    void shiftsDependOnTheMaskedCount() {
        assertEquals(AF, undefined("48d1e0", 0), "shl rax, 1");
        assertEquals(AF | OF, undefined("48c1e005", 0), "shl rax, 5");
        assertEquals(0, undefined("48d3e0", 64), "shl rax, cl with cl = 64 (masked to 0): unchanged");
        assertEquals(AF | OF | CF, undefined("d2e0", 9), "shl al, cl with cl = 9: CF too");
        assertEquals(OF, undefined("48c1c003", 0), "rol rax, 3");
        assertEquals(0, undefined("48d1c0", 0), "rol rax, 1");
    }

    @Test
    void basicFormsMustNeverBeExcused() {
        for (String form : new String[] {"01", "03", "29", "8B", "89", "F7 /4", "0F AF", "C1 /4", "0F B6", "50", "C3", "D9 /0 mem",
            "DE /1 reg", "9B"}) {
            assertNull(KnownDifferences.reason(form), form);
        }
        for (String form : new String[] {"0F 38 F0", "F2 0F 38 F1", "66 0F 38 00", "66 0F 38 17", "66 0F 3A 40", "66 0F 3A 63",
            "0F 38 00", "0F 38 04", "0F 38 1E", "0F 3A 0F"}) {
            assertNull(KnownDifferences.reason(form), form); // MOVBE, CRC32, SSSE3 (XMM and MMX), SSE4.1, SSE4.2
        }
    }
}
