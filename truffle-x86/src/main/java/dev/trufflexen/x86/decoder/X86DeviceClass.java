package dev.trufflexen.x86.decoder;

/**
 * Which instructions use the x87/MMX/SSE unit, and so raise #NM while CR0.TS is set: the x87
 * escapes D8-DF and WAIT, the MMX and SSE opcodes of the 0F map (including FXSAVE, FXRSTOR,
 * LDMXCSR and STMXCSR), and the 0F38/0F3A maps except the general-register MOVBE and CRC32.
 */
public final class X86DeviceClass {
    private X86DeviceClass() {
    }

    public static boolean usesFpu(X86Instruction insn) {
        int op = insn.opcode();
        int map = op >> 8;
        int low = op & 0xFF;
        switch (map) {
            case 0:
                return low >= 0xD8 && low <= 0xDF || low == 0x9B;
            case 1:
                if (low == 0xAE) {
                    return insn.hasMemory() && (insn.reg() & 7) <= 3;
                }
                return low >= 0x10 && low <= 0x17 || low >= 0x28 && low <= 0x2F || low >= 0x50 && low <= 0x7F
                        || low == 0xC2 || low >= 0xC4 && low <= 0xC6 || low >= 0xD0 && low <= 0xFE;
            case 2:
                return low != 0xF0 && low != 0xF1;
            default:
                return true;
        }
    }
}
