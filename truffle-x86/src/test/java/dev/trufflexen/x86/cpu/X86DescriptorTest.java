package dev.trufflexen.x86.cpu;

import static dev.trufflexen.x86.cpu.X86Descriptor.LAR;
import static dev.trufflexen.x86.cpu.X86Descriptor.LSL;
import static dev.trufflexen.x86.cpu.X86Descriptor.VERR;
import static dev.trufflexen.x86.cpu.X86Descriptor.VERW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Descriptor fields and the checks LAR, LSL, VERR and VERW make at CPL 3 (SDM Vol. 2A). */
class X86DescriptorTest {
    private static final long CODE64_DPL3 = 0x00affb000000ffffL;
    private static final long DATA_DPL3 = 0x00cff3000000ffffL;
    private static final long DATA_DPL0 = 0x00cf93000000ffffL;
    private static final long DATA_RO_DPL3 = 0x00cff1000000ffffL;
    private static final long CODE_EXECUTE_ONLY_DPL3 = 0x00aff9000000ffffL;
    private static final long CONFORMING_DPL0 = 0x00af9f000000ffffL;
    private static final long TSS_BUSY_DPL3 = 0x0000eb0000000067L;
    private static final long CALL_GATE_DPL3 = 0x0000ec0000080000L;
    private static final long INTERRUPT_GATE_DPL3 = 0x0000ee0000080000L;

    @Test
    void fields() {
        long based = 0x12cff3345000ffffL;
        assertEquals(0x12345000L, X86Descriptor.base(based));
        assertEquals(0xFFFF_FFFFL, X86Descriptor.limit(DATA_DPL3), "page-granular limit");
        assertEquals(0x1234L, X86Descriptor.limit(0x0040f30000001234L), "byte-granular limit");
        assertEquals(0x00cff300L, X86Descriptor.accessRights(DATA_DPL3));
        assertEquals(3, X86Descriptor.dpl(CODE64_DPL3));
        assertTrue(X86Descriptor.isCode(CODE64_DPL3));
        assertTrue(X86Descriptor.isReadable(CODE64_DPL3));
        assertFalse(X86Descriptor.isReadable(CODE_EXECUTE_ONLY_DPL3));
        assertTrue(X86Descriptor.isWritableData(DATA_DPL3));
        assertFalse(X86Descriptor.isWritableData(DATA_RO_DPL3));
    }

    @Test
    void privilege() {
        assertTrue(X86Descriptor.queryPasses(LAR, DATA_DPL3, 3, 3));
        assertFalse(X86Descriptor.queryPasses(LAR, DATA_DPL0, 3, 3), "DPL below CPL");
        assertTrue(X86Descriptor.queryPasses(VERR, CONFORMING_DPL0, 3, 3), "conforming code skips the DPL check");
        assertFalse(X86Descriptor.queryPasses(VERW, CONFORMING_DPL0, 3, 3), "code is never writable");
        assertFalse(X86Descriptor.queryPasses(LAR, 0, 3, 3), "an empty slot");
    }

    @Test
    void typesPerInstruction() {
        assertTrue(X86Descriptor.queryPasses(LAR, TSS_BUSY_DPL3, 3, 3));
        assertTrue(X86Descriptor.queryPasses(LSL, TSS_BUSY_DPL3, 3, 3));
        assertTrue(X86Descriptor.queryPasses(LAR, CALL_GATE_DPL3, 3, 3), "LAR accepts a call gate");
        assertFalse(X86Descriptor.queryPasses(LSL, CALL_GATE_DPL3, 3, 3), "a gate has no limit");
        assertFalse(X86Descriptor.queryPasses(LAR, INTERRUPT_GATE_DPL3, 3, 3), "no interrupt gates in IA-32e mode");
        assertFalse(X86Descriptor.queryPasses(VERR, TSS_BUSY_DPL3, 3, 3), "VERR wants a segment");
        assertTrue(X86Descriptor.queryPasses(VERR, DATA_RO_DPL3, 3, 3));
        assertFalse(X86Descriptor.queryPasses(VERR, CODE_EXECUTE_ONLY_DPL3, 3, 3));
        assertTrue(X86Descriptor.queryPasses(VERW, DATA_DPL3, 3, 3));
        assertFalse(X86Descriptor.queryPasses(VERW, DATA_RO_DPL3, 3, 3));
    }
}
