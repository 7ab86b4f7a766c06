package dev.trufflexen.x86.selftest;

import java.util.HexFormat;

import dev.trufflexen.x86.cpu.X86Reg;

/**
 * One differential test case: instruction bytes placed at {@link SelftestLayout#CODE} +
 * {@code codeOffset} (the rest of the code page is {@code int3}), the sixteen general registers
 * in {@link X86Reg} order, the loadable flags (CF, PF, AF, ZF, SF, DF, OF), the data page and the
 * x87/SSE state as a 64-bit FXSAVE image ({@link dev.trufflexen.x86.cpu.X86FpuState}).
 *
 * @param form the instruction form the case exercises (see {@link InstructionForm})
 */
public record CpuCase(long number, String form, byte[] code, int codeOffset, long[] registers, long rflags, byte[] data,
        byte[] fpu) {
    public long rip() {
        return SelftestLayout.CODE + codeOffset;
    }

    /** Multi-line description of the initial state (for reproducers). */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append("  bytes  ").append(HexFormat.ofDelimiter(" ").formatHex(code)).append(" at 0x")
                .append(Long.toHexString(rip())).append('\n');
        sb.append(SelftestFormat.registers("  initial", registers, rip(), rflags));
        sb.append(SelftestFormat.fpu("  initial", fpu));
        return sb.toString();
    }
}
