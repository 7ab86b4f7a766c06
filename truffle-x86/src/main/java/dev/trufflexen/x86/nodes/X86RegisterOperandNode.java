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
        long value = frame.getLongStatic(reg);
        if (highByte) {
            return (value >>> 8) & 0xFF;
        }
        return value & X86Sizes.mask(size);
    }

    @Override
    public void write(VirtualFrame frame, X86Cpu cpu, long value) {
        switch (size) {
            case 8:
                frame.setLongStatic(reg, value);
                break;
            case 4:
                frame.setLongStatic(reg, value & 0xFFFF_FFFFL);
                break;
            case 2:
                frame.setLongStatic(reg, (frame.getLongStatic(reg) & ~0xFFFFL) | (value & 0xFFFF));
                break;
            default:
                if (highByte) {
                    frame.setLongStatic(reg, (frame.getLongStatic(reg) & ~0xFF00L) | ((value & 0xFF) << 8));
                } else {
                    frame.setLongStatic(reg, (frame.getLongStatic(reg) & ~0xFFL) | (value & 0xFF));
                }
                break;
        }
    }
}
