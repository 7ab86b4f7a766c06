package dev.trufflexen.x86.nodes.x87;

import static dev.trufflexen.x86.cpu.X86LittleEndian.putShort;
import static dev.trufflexen.x86.cpu.X86LittleEndian.putInt;
import static dev.trufflexen.x86.cpu.X86LittleEndian.putLong;
import static dev.trufflexen.x86.cpu.X86LittleEndian.getShort;
import static dev.trufflexen.x86.cpu.X86LittleEndian.getInt;
import static dev.trufflexen.x86.cpu.X86LittleEndian.getLong;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86FpuState;
import dev.trufflexen.x86.mmu.X86GuestMemory;

/**
 * The x87 environment (FNSTENV/FLDENV) and save area (FNSAVE/FRSTOR) in the protected-mode
 * layouts that 64-bit mode uses: 28 bytes with a 32-bit operand size (each field in a
 * doubleword), 14 bytes with a 16-bit one; the save area appends ST(0)-ST(7), 10 bytes each
 * (108 or 94 bytes). The tag word is stored in full, computed from the register contents;
 * loading keeps only empty / not empty and recomputes the rest. FNSTENV masks all exceptions
 * afterwards; FNSAVE reinitializes the FPU.
 */
final class X87Environment {
    /** What the reserved upper halves of the 32-bit layout's fields hold. */
    static final int RESERVED_FILL = 0xFFFF;

    private X87Environment() {
    }

    static int environmentSize(boolean layout16) {
        return layout16 ? 14 : 28;
    }

    @TruffleBoundary
    static void store(X86Cpu cpu, X86FpuState fpu, long ea, boolean layout16, boolean save) {
        int envSize = environmentSize(layout16);
        int total = envSize + (save ? 80 : 0);
        byte[] image = new byte[total];
        int cw = fpu.controlWord();
        int sw = fpu.statusWord();
        int tw = fullTagWord(fpu);
        long fip = fpu.lastInstructionPointer();
        long fdp = fpu.lastDataPointer();
        int fop = fpu.lastOpcode();
        if (layout16) {
            putShort(image, 0, cw);
            putShort(image, 2, sw);
            putShort(image, 4, tw);
            putShort(image, 6, (int) fip);
            putShort(image, 8, fpu.lastCodeSelector());
            putShort(image, 10, (int) fdp);
            putShort(image, 12, fpu.lastDataSelector());
        } else {
            putInt(image, 0, cw | RESERVED_FILL << 16);
            putInt(image, 4, sw | RESERVED_FILL << 16);
            putInt(image, 8, tw | RESERVED_FILL << 16);
            putInt(image, 12, (int) fip);
            putInt(image, 16, fop << 16 | fpu.lastCodeSelector());
            putInt(image, 20, (int) fdp);
            putInt(image, 24, RESERVED_FILL << 16 | fpu.lastDataSelector());
        }
        if (save) {
            for (int i = 0; i < 8; i++) {
                int p = X87Stack.physical(fpu, i);
                putLong(image, envSize + 10 * i, fpu.significand(p));
                putShort(image, envSize + 10 * i + 8, fpu.signExponent(p));
            }
        }
        X87Node.checkAreaWritable(cpu, ea, total);
        for (int i = 0; i < total; i++) {
            X86GuestMemory.write(cpu, ea + i, 1, image[i]);
        }
        if (save) {
            fpu.initializeX87();
        } else {
            fpu.setControlWord(cw | 0x3F);
            X87Stack.updateSummary(fpu);
        }
    }

    /**
     * The tag word as FNSTENV/FNSAVE store it: computed from the contents of every non-empty
     * register (after MMX code, whose writes set a register's exponent to all ones, that is
     * "special", not the "valid" MMX mode left in the tags).
     */
    private static int fullTagWord(X86FpuState fpu) {
        int tags = 0;
        for (int p = 0; p < 8; p++) {
            int t = fpu.tag(p) == X86FpuState.TAG_EMPTY ? X86FpuState.TAG_EMPTY : X86FpuState.classify(fpu.significand(p), fpu.signExponent(p));
            tags |= t << (2 * p);
        }
        return tags;
    }

    @TruffleBoundary
    static void load(X86Cpu cpu, X86FpuState fpu, long ea, boolean layout16, boolean restore) {
        int envSize = environmentSize(layout16);
        int total = envSize + (restore ? 80 : 0);
        byte[] image = new byte[total];
        X87Node.checkAreaReadable(cpu, ea, total);
        for (int i = 0; i < total; i++) {
            image[i] = (byte) X86GuestMemory.read(cpu, ea + i, 1);
        }
        int stride = layout16 ? 2 : 4;
        int cw = getShort(image, 0);
        int sw = getShort(image, stride);
        int tw = getShort(image, 2 * stride);
        long fip = layout16 ? getShort(image, 6) : getInt(image, 12) & 0xFFFF_FFFFL;
        long fdp = layout16 ? getShort(image, 10) : getInt(image, 20) & 0xFFFF_FFFFL;
        int fop = layout16 ? 0 : (getInt(image, 16) >>> 16) & 0x7FF;
        fpu.setControlWord(cw);
        fpu.setStatusWord(sw);
        fpu.setLastInstruction(fop, fip, fdp);
        fpu.setLastSelectors(layout16 ? getShort(image, 8) : getInt(image, 16) & 0xFFFF, layout16 ? getShort(image, 12) : getInt(image, 24) & 0xFFFF);
        if (restore) {
            for (int i = 0; i < 8; i++) {
                int p = (fpu.top() + i) & 7;
                fpu.setRegister(p, getLong(image, envSize + 10 * i), getShort(image, envSize + 10 * i + 8));
            }
        }
        for (int p = 0; p < 8; p++) {
            int t = (tw >>> (2 * p)) & 3;
            fpu.setTag(p, t == X86FpuState.TAG_EMPTY ? t : X86FpuState.classify(fpu.significand(p), fpu.signExponent(p)));
        }
        X87Stack.updateSummary(fpu);
    }
}
