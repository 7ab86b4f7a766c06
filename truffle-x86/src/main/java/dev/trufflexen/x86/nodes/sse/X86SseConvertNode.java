package dev.trufflexen.x86.nodes.sse;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86FpuState;
import dev.trufflexen.x86.nodes.X86AddressNode;

/**
 * Conversions from an XMM register or memory to an XMM register: CVTSS2SD, CVTSD2SS, CVTPS2PD,
 * CVTPD2PS, CVTDQ2PS, CVT(T)PS2DQ, CVTDQ2PD and CVT(T)PD2DQ.
 */
public final class X86SseConvertNode extends X86SseNode implements X86XmmFrame.User {
    public static final int SS_TO_SD = 0;
    public static final int SD_TO_SS = 1;
    public static final int PS_TO_PD = 2;
    public static final int PD_TO_PS = 3;
    public static final int DQ_TO_PS = 4;
    public static final int PS_TO_DQ = 5;
    public static final int DQ_TO_PD = 6;
    public static final int PD_TO_DQ = 7;

    private static final X86FloatFormat S = X86FloatFormat.SINGLE;
    private static final X86FloatFormat D = X86FloatFormat.DOUBLE;

    private final int kind;
    private final boolean truncate;
    private final int destination;

    public X86SseConvertNode(long rip, int length, int kind, boolean truncate, int destination, int source, X86AddressNode address) {
        super(rip, length, source, address, memorySize(kind), memorySize(kind) == 16);
        this.kind = kind;
        this.truncate = truncate;
        this.destination = destination;
    }

    private static int memorySize(int kind) {
        return switch (kind) {
            case SS_TO_SD -> 4;
            case SD_TO_SS, PS_TO_PD, DQ_TO_PD -> 8;
            default -> 16;
        };
    }

    @Override
    public int xmmRegisterMask() {
        return xmmRegisterMask(destination);
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long linear = sourceAddress(frame, cpu);
        long s0 = sourceLow(frame, cpu, linear);
        long s1 = memorySize == 16 ? sourceHigh(frame, cpu, linear) : 0;
        int d = destination * 2;
        long d0 = xmm(frame, cpu, d);
        long d1 = xmm(frame, cpu, d + 1);
        long[] result = convert(cpu.fpu(), s0, s1, d0, d1);
        reloadMxcsr(frame, cpu);
        setXmm(frame, cpu, d, result[0]);
        setXmm(frame, cpu, d + 1, result[1]);
    }

    /** The destination's new quadwords, with MXCSR's flags committed (or #XM raised). */
    private long[] convert(X86FpuState fpu, long s0, long s1, long d0, long d1) {
        int m = fpu.mxcsr();
        long r0;
        long r1;
        switch (kind) {
            case SS_TO_SD -> {
                r0 = X86SseConversions.convertFormat(S, D, s0 & 0xFFFF_FFFFL, m, fpu);
                r1 = d1;
            }
            case SD_TO_SS -> {
                r0 = (d0 & 0xFFFF_FFFF_0000_0000L) | X86SseConversions.convertFormat(D, S, s0, m, fpu);
                r1 = d1;
            }
            case PS_TO_PD -> {
                r0 = X86SseConversions.convertFormat(S, D, s0 & 0xFFFF_FFFFL, m, fpu);
                r1 = X86SseConversions.convertFormat(S, D, s0 >>> 32, m, fpu);
            }
            case PD_TO_PS -> {
                r0 = X86SseConversions.convertFormat(D, S, s0, m, fpu) | X86SseConversions.convertFormat(D, S, s1, m, fpu) << 32;
                r1 = 0;
            }
            case DQ_TO_PS -> {
                r0 = fromIntegers(S, s0, m, fpu);
                r1 = fromIntegers(S, s1, m, fpu);
            }
            case PS_TO_DQ -> {
                r0 = toIntegers(s0, m, fpu);
                r1 = toIntegers(s1, m, fpu);
            }
            case DQ_TO_PD -> {
                r0 = X86SseConversions.fromInteger(D, (int) s0, m, fpu);
                r1 = X86SseConversions.fromInteger(D, (int) (s0 >>> 32), m, fpu);
            }
            default -> {
                r0 = X86SseConversions.toInteger(D, s0, 4, truncate, m, fpu)
                        | X86SseConversions.toInteger(D, s1, 4, truncate, m, fpu) << 32;
                r1 = 0;
            }
        }
        X86SseFloat.commit(fpu);
        return new long[] {r0, r1};
    }

    private static long fromIntegers(X86FloatFormat f, long pair, int m, X86FpuState fpu) {
        return X86SseConversions.fromInteger(f, (int) pair, m, fpu) | X86SseConversions.fromInteger(f, (int) (pair >>> 32), m, fpu) << 32;
    }

    private long toIntegers(long pair, int m, X86FpuState fpu) {
        return X86SseConversions.toInteger(S, pair & 0xFFFF_FFFFL, 4, truncate, m, fpu)
                | X86SseConversions.toInteger(S, pair >>> 32, 4, truncate, m, fpu) << 32;
    }
}
