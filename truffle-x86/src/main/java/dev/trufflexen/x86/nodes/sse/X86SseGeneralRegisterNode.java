package dev.trufflexen.x86.nodes.sse;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.nodes.X86OperandNode;

/**
 * Transfers between an XMM register and a general register or memory operand: MOVD/MOVQ both
 * ways, MOVMSKPS, MOVMSKPD, PMOVMSKB, PEXTRW and PINSRW. The general operand is an ordinary
 * {@link X86OperandNode}, so 32-bit register writes zero-extend as usual.
 */
public final class X86SseGeneralRegisterNode extends X86XmmFrameNode implements X86XmmFrame.User {
    public static final int MOVE_TO_XMM = 0;
    public static final int MOVE_FROM_XMM = 1;
    public static final int MASK_PS = 2;
    public static final int MASK_PD = 3;
    public static final int MASK_BYTES = 4;
    public static final int EXTRACT_WORD = 5;
    public static final int INSERT_WORD = 6;

    private final int kind;
    private final int xmm;
    private final int immediate;
    @Child private X86OperandNode operand;

    public X86SseGeneralRegisterNode(long rip, int length, int kind, int xmm, X86OperandNode operand, int immediate) {
        super(rip, length);
        this.kind = kind;
        this.xmm = xmm;
        this.operand = operand;
        this.immediate = immediate & 0xFF;
    }

    @Override
    public int xmmRegisterMask() {
        return 1 << xmm;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        int r = xmm * 2;
        switch (kind) {
            case MOVE_TO_XMM -> {
                long value = operand.read(frame, cpu);
                setXmm(frame, cpu, r, value);
                setXmm(frame, cpu, r + 1, 0);
            }
            case MOVE_FROM_XMM -> operand.write(frame, cpu, low(frame, cpu));
            case MASK_PS -> {
                long lo = low(frame, cpu);
                long hi = high(frame, cpu);
                operand.write(frame, cpu, (lo >>> 31 & 1) | (lo >>> 62 & 2) | (hi >>> 29 & 4) | (hi >>> 60 & 8));
            }
            case MASK_PD -> operand.write(frame, cpu, (low(frame, cpu) >>> 63) | (high(frame, cpu) >>> 62 & 2));
            case MASK_BYTES -> operand.write(frame, cpu, byteSigns(low(frame, cpu)) | byteSigns(high(frame, cpu)) << 8);
            case EXTRACT_WORD -> {
                int word = immediate & 7;
                operand.write(frame, cpu, (xmm(frame, cpu, r + (word >> 2)) >>> (16 * (word & 3))) & 0xFFFF);
            }
            default -> {
                long value = operand.read(frame, cpu) & 0xFFFF;
                int word = immediate & 7;
                int half = r + (word >> 2);
                int shift = 16 * (word & 3);
                long old = xmm(frame, cpu, half);
                setXmm(frame, cpu, half, (old & ~(0xFFFFL << shift)) | (value << shift));
            }
        }
    }

    private long low(VirtualFrame frame, X86Cpu cpu) {
        return xmm(frame, cpu, xmm * 2);
    }

    private long high(VirtualFrame frame, X86Cpu cpu) {
        return xmm(frame, cpu, xmm * 2 + 1);
    }

    private static long byteSigns(long value) {
        long mask = 0;
        for (int i = 0; i < 8; i++) {
            mask |= ((value >>> (8 * i + 7)) & 1) << i;
        }
        return mask;
    }
}
