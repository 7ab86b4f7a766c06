package dev.trufflexen.x86.nodes.data;

import static dev.trufflexen.x86.cpu.X86Reg.RAX;
import static dev.trufflexen.x86.cpu.X86Reg.RCX;
import static dev.trufflexen.x86.cpu.X86Reg.RDI;
import static dev.trufflexen.x86.cpu.X86Reg.RSI;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Rflags;
import dev.trufflexen.x86.cpu.X86Segment;
import dev.trufflexen.x86.mmu.X86GuestMemory;
import dev.trufflexen.x86.nodes.X86FlagState;
import dev.trufflexen.x86.nodes.X86FrameLayout;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.X86RegisterOperandNode;
import dev.trufflexen.x86.nodes.X86Sizes;

/**
 * MOVS, CMPS, STOS, LODS, SCAS with optional REP/REPE/REPNE. Each element updates RSI/RDI/RCX
 * in the frame before the next, so a fault in the middle leaves exactly the architectural
 * state of an interrupted string instruction (RIP still at it, registers advanced). Long
 * repetitions stop every 64Ki elements when the CPU has a pending request, and resume later.
 */
public final class X86StringNode extends X86InstructionNode {
    public static final int MOVS = 0;
    public static final int CMPS = 1;
    public static final int STOS = 2;
    public static final int LODS = 3;
    public static final int SCAS = 4;

    public static final int NO_REPEAT = 0;
    public static final int REPEAT = 1;
    public static final int REPEAT_WHILE_EQUAL = 2;
    public static final int REPEAT_WHILE_NOT_EQUAL = 3;

    private final int kind;
    private final int size;
    private final int repeat;
    private final boolean address32;
    private final int sourceSegment;
    @Child private X86RegisterOperandNode accumulator;

    public X86StringNode(long rip, int length, int kind, int size, int repeat, boolean address32, int sourceSegment) {
        super(rip, length);
        this.kind = kind;
        this.size = size;
        this.repeat = (kind == CMPS || kind == SCAS) ? repeat : (repeat == NO_REPEAT ? NO_REPEAT : REPEAT);
        this.address32 = address32;
        this.sourceSegment = sourceSegment;
        this.accumulator = new X86RegisterOperandNode(RAX, size, false);
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        if (repeat == NO_REPEAT) {
            step(frame, cpu);
            return;
        }
        long count = addressMask(getRegister(frame, RCX));
        long iterations = 0;
        while (count != 0) {
            step(frame, cpu);
            count--;
            setRegister(frame, RCX, count);
            if (repeat == REPEAT_WHILE_EQUAL && frame.getLongStatic(X86FrameLayout.FLAG_RESULT) != 0) {
                return;
            }
            if (repeat == REPEAT_WHILE_NOT_EQUAL && frame.getLongStatic(X86FrameLayout.FLAG_RESULT) == 0) {
                return;
            }
            if ((++iterations & 0xFFFF) == 0 && count != 0 && cpu.stopRequested()) {
                throw cpu.exit().resume(rip);
            }
        }
    }

    private long addressMask(long value) {
        return address32 ? X86Sizes.truncate(value, 4) : value;
    }

    private long sourceAddress(X86Cpu cpu, long offset) {
        if (sourceSegment == X86Segment.FS) {
            return offset + cpu.fsBase();
        } else if (sourceSegment == X86Segment.GS) {
            return offset + cpu.gsBase();
        }
        return offset;
    }

    private void step(VirtualFrame frame, X86Cpu cpu) {
        long delta = (frame.getLongStatic(X86FrameLayout.FLAGS) & X86Rflags.DF) != 0 ? -size : size;
        long rsi = addressMask(getRegister(frame, RSI));
        long rdi = addressMask(getRegister(frame, RDI));
        switch (kind) {
            case MOVS -> {
                long value = X86GuestMemory.read(cpu, sourceAddress(cpu, rsi), size);
                X86GuestMemory.write(cpu, rdi, size, value);
                setRegister(frame, RSI, addressMask(rsi + delta));
                setRegister(frame, RDI, addressMask(rdi + delta));
            }
            case STOS -> {
                X86GuestMemory.write(cpu, rdi, size, accumulator.read(frame, cpu));
                setRegister(frame, RDI, addressMask(rdi + delta));
            }
            case LODS -> {
                accumulator.write(frame, cpu, X86GuestMemory.read(cpu, sourceAddress(cpu, rsi), size));
                setRegister(frame, RSI, addressMask(rsi + delta));
            }
            case CMPS -> {
                long a = X86GuestMemory.read(cpu, sourceAddress(cpu, rsi), size);
                long b = X86GuestMemory.read(cpu, rdi, size);
                X86FlagState.setLazy(frame, X86FlagState.op(X86FlagState.SUB, size), X86Sizes.truncate(a - b, size), a, b);
                setRegister(frame, RSI, addressMask(rsi + delta));
                setRegister(frame, RDI, addressMask(rdi + delta));
            }
            default -> {
                long a = accumulator.read(frame, cpu);
                long b = X86GuestMemory.read(cpu, rdi, size);
                X86FlagState.setLazy(frame, X86FlagState.op(X86FlagState.SUB, size), X86Sizes.truncate(a - b, size), a, b);
                setRegister(frame, RDI, addressMask(rdi + delta));
            }
        }
    }
}
