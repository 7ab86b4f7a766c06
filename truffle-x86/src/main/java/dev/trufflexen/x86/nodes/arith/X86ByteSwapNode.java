package dev.trufflexen.x86.nodes.arith;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.nodes.X86InstructionNode;

/** BSWAP of a 32- or 64-bit register (the 16-bit form, undefined on hardware, clears the low word). */
public final class X86ByteSwapNode extends X86InstructionNode {
    private final int reg;
    private final int size;

    public X86ByteSwapNode(long rip, int length, int reg, int size) {
        super(rip, length);
        this.reg = reg;
        this.size = size;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long value = getRegister(frame, reg);
        long result = switch (size) {
            case 8 -> Long.reverseBytes(value);
            case 4 -> Integer.reverseBytes((int) value) & 0xFFFF_FFFFL;
            default -> value & ~0xFFFFL;
        };
        setRegister(frame, reg, result);
    }
}
