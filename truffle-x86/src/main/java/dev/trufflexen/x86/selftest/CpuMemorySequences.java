package dev.trufflexen.x86.selftest;

import java.io.ByteArrayOutputStream;
import java.util.SplittableRandom;

import dev.trufflexen.x86.cpu.X86Reg;

/**
 * Cases for the memory path ({@value #FORM}): 2-5 loads, stores and read-modify-writes (general
 * registers, and 16-byte SSE moves) that reach the data page through different base registers,
 * so a later access finds the translation an earlier one filled through another register, often
 * at the same address (a store read back). About a quarter of the accesses reach over an end of
 * the data page into its unmapped neighbour, so the page-crossing checks and their faults (#PF
 * with CR2 at the first unmapped byte, nothing written) are compared with the host too.
 *
 * <p>Bases are chosen among registers that address the data segment (not RSP, RBP, R12 or R13,
 * whose encodings differ), and no instruction writes a register a later one uses as its base, so
 * every access stays within the data page and its unmapped neighbours on the host as well.
 */
final class CpuMemorySequences {
    static final String FORM = "MEM-SEQ";
    private static final int[] BASES = {X86Reg.RAX, X86Reg.RCX, X86Reg.RDX, X86Reg.RBX, X86Reg.RSI, X86Reg.RDI, X86Reg.R8, X86Reg.R9,
            X86Reg.R10, X86Reg.R11};
    private static final int[] DATA_REGISTERS = {X86Reg.R12, X86Reg.R13, X86Reg.R14, X86Reg.R15};

    private CpuMemorySequences() {
    }

    /** {@code state}'s registers, flags and data running a memory sequence from the start of the code page. */
    static CpuCase of(SplittableRandom random, CpuCase state) {
        long[] registers = state.registers().clone();
        int count = 2 + random.nextInt(4);
        int previousTarget = random.nextInt(SelftestLayout.PAGE - 16);
        ByteArrayOutputStream code = new ByteArrayOutputStream();
        boolean[] used = new boolean[X86Reg.COUNT];
        for (int i = 0; i < count; i++) {
            int base = freshBase(random, used);
            int size = accessSize(random.nextInt(6));
            int target = random.nextInt(3) == 0 ? previousTarget : random.nextInt(SelftestLayout.PAGE - size + 1);
            if (random.nextInt(4) == 0) {
                // Over an end of the page: the first bytes before it, or the last bytes past it.
                target = random.nextBoolean() ? SelftestLayout.PAGE - 1 - random.nextInt(size - 1) : -1 - random.nextInt(size - 1);
            }
            previousTarget = Math.max(0, Math.min(target, SelftestLayout.PAGE - 16));
            int displacement = random.nextInt(256) - 128;
            registers[base] = SelftestLayout.DATA + target - displacement;
            code.writeBytes(encode(random.nextInt(6), base, DATA_REGISTERS[random.nextInt(DATA_REGISTERS.length)], random.nextInt(8),
                    displacement));
        }
        return new CpuCase(state.number(), FORM, code.toByteArray(), 0, registers, state.rflags(), state.data(), state.fpu());
    }

    private static int freshBase(SplittableRandom random, boolean[] used) {
        while (true) {
            int base = BASES[random.nextInt(BASES.length)];
            if (!used[base]) {
                used[base] = true;
                return base;
            }
        }
    }

    /** The operand size of form {@code form} of {@link #encode}. */
    private static int accessSize(int form) {
        return switch (form) {
            case 0, 1 -> 8;
            case 2 -> 4;
            case 3 -> 2;
            default -> 16;
        };
    }

    /**
     * One instruction with a {@code [base + disp8]} operand: 0 MOV r64,m64; 1 MOV m64,r64; 2 ADD
     * m32,r32; 3 MOVZX r32,m16; 4 MOVDQU xmm,m128; 5 MOVUPS m128,xmm.
     */
    private static byte[] encode(int form, int base, int data, int xmm, int displacement) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int reg = form >= 4 ? xmm : data;
        int rex = 0x40 | (form <= 1 ? 0x08 : 0) | ((reg & 8) != 0 ? 0x04 : 0) | ((base & 8) != 0 ? 0x01 : 0);
        if (form == 4) {
            out.write(0xF3);
        }
        if (rex != 0x40 || form == 3) {
            out.write(rex);
        }
        switch (form) {
            case 0 -> out.write(0x8B);
            case 1 -> out.write(0x89);
            case 2 -> out.write(0x01);
            case 3 -> out.writeBytes(new byte[] {0x0F, (byte) 0xB7});
            case 4 -> out.writeBytes(new byte[] {0x0F, 0x6F});
            default -> out.writeBytes(new byte[] {0x0F, 0x11});
        }
        out.write(0x40 | (reg & 7) << 3 | (base & 7));
        out.write(displacement);
        return out.toByteArray();
    }
}
