package dev.trufflexen.x86.nodes.sse;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.nodes.X86AddressNode;

/**
 * Moves into an XMM register from an XMM register or memory: full 128-bit loads (MOVAPS,
 * MOVUPS, MOVDQA, MOVDQU, LDDQU), scalar loads that zero or keep the rest (MOVSS, MOVSD, MOVQ),
 * half moves (MOVLPS, MOVHPS, MOVHLPS, MOVLHPS) and the SSE3 duplicates (MOVDDUP, MOVSHDUP,
 * MOVSLDUP). {@link #kind} is a constant, so only one arm survives partial evaluation.
 */
public final class X86SseMoveNode extends X86SseNode implements X86XmmFrame.User {
    public static final int FULL = 0;
    public static final int LOW32_ZERO = 1;
    public static final int LOW32_MERGE = 2;
    public static final int LOW64_ZERO = 3;
    public static final int LOW64_MERGE = 4;
    public static final int HIGH_FROM_LOW = 5;
    public static final int LOW_FROM_HIGH = 6;
    public static final int DUPLICATE_LOW64 = 7;
    public static final int DUPLICATE_ODD32 = 8;
    public static final int DUPLICATE_EVEN32 = 9;

    private final int kind;
    private final int destination;

    public X86SseMoveNode(long rip, int length, int kind, int destination, int source, X86AddressNode address, int memorySize,
            boolean aligned) {
        super(rip, length, source, address, memorySize, aligned);
        this.kind = kind;
        this.destination = destination;
    }

    @Override
    public int xmmRegisterMask() {
        return xmmRegisterMask(destination);
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long linear = sourceAddress(frame, cpu);
        long s0 = sourceLow(frame, cpu, linear);
        long s1 = kind == FULL || kind == LOW_FROM_HIGH || kind == DUPLICATE_ODD32 || kind == DUPLICATE_EVEN32
                ? sourceHigh(frame, cpu, linear) : 0;
        int d = destination * 2;
        switch (kind) {
            case FULL -> {
                setXmm(frame, cpu, d, s0);
                setXmm(frame, cpu, d + 1, s1);
            }
            case LOW32_ZERO -> {
                setXmm(frame, cpu, d, s0 & 0xFFFF_FFFFL);
                setXmm(frame, cpu, d + 1, 0);
            }
            case LOW32_MERGE -> setXmm(frame, cpu, d, (xmm(frame, cpu, d) & 0xFFFF_FFFF_0000_0000L) | (s0 & 0xFFFF_FFFFL));
            case LOW64_ZERO -> {
                setXmm(frame, cpu, d, s0);
                setXmm(frame, cpu, d + 1, 0);
            }
            case LOW64_MERGE -> setXmm(frame, cpu, d, s0);
            case HIGH_FROM_LOW -> setXmm(frame, cpu, d + 1, s0);
            case LOW_FROM_HIGH -> setXmm(frame, cpu, d, s1);
            case DUPLICATE_LOW64 -> {
                setXmm(frame, cpu, d, s0);
                setXmm(frame, cpu, d + 1, s0);
            }
            case DUPLICATE_ODD32 -> {
                setXmm(frame, cpu, d, (s0 & 0xFFFF_FFFF_0000_0000L) | (s0 >>> 32));
                setXmm(frame, cpu, d + 1, (s1 & 0xFFFF_FFFF_0000_0000L) | (s1 >>> 32));
            }
            default -> {
                setXmm(frame, cpu, d, (s0 << 32) | (s0 & 0xFFFF_FFFFL));
                setXmm(frame, cpu, d + 1, (s1 << 32) | (s1 & 0xFFFF_FFFFL));
            }
        }
    }
}
