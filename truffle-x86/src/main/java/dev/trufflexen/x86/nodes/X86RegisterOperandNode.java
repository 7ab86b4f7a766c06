package dev.trufflexen.x86.nodes;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;

/**
 * A general register as an operand: all 64 bits, the low 32, 16 or 8 bits, or one of the legacy
 * high-byte registers AH, CH, DH, BH (bits 8..15 of RAX..RBX, only encodable without REX).
 */
public final class X86RegisterOperandNode extends X86OperandNode {
    private final int reg;
    private final boolean highByte;

    public X86RegisterOperandNode(int reg, int size, boolean highByte) {
        super(size);
        this.reg = reg;
        this.highByte = highByte;
    }

    public int reg() {
        return reg;
    }

    @Override
    public long read(VirtualFrame frame, X86Cpu cpu) {
        long value = X86FrameRegisters.read(frame, reg);
        if (highByte) {
            return (value >>> 8) & 0xFF;
        }
        return X86Sizes.truncate(value, size);
    }

    @Override
    public void write(VirtualFrame frame, X86Cpu cpu, long value) {
        switch (size) {
            case 8:
                X86FrameRegisters.write(frame, reg, value);
                break;
            case 4:
                X86FrameRegisters.write(frame, reg, X86Sizes.truncate(value, 4));
                break;
            case 2:
                X86FrameRegisters.write(frame, reg, (X86FrameRegisters.read(frame, reg) & ~0xFFFFL) | (value & 0xFFFF));
                break;
            default:
                long old = X86FrameRegisters.read(frame, reg);
                if (highByte) {
                    X86FrameRegisters.write(frame, reg, (old & ~0xFF00L) | ((value & 0xFF) << 8));
                } else {
                    X86FrameRegisters.write(frame, reg, (old & ~0xFFL) | (value & 0xFF));
                }
                break;
        }
    }
}
