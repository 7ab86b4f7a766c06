package dev.trufflexen.x86.nodes.sse;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86FpuState;
import dev.trufflexen.x86.mmu.X86GuestMemory;
import dev.trufflexen.x86.nodes.X86AddressNode;
import dev.trufflexen.x86.nodes.X86InstructionNode;

/**
 * The conversions between MMX doubleword pairs and SSE floats: CVTPI2PS and CVTPI2PD (from mm/m64;
 * only a register source switches the x87 unit to MMX mode), CVT(T)PS2PI (from xmm/m64) and
 * CVT(T)PD2PI (from xmm/m128, aligned). The switch to MMX mode comes after the source is read
 * and before a SIMD floating-point exception is raised, as on the host processor.
 */
public final class X86MmxConvertNode extends X86InstructionNode {
    public static final int PI_TO_PS = 0;
    public static final int PI_TO_PD = 1;
    public static final int PS_TO_PI = 2;
    public static final int PD_TO_PI = 3;

    private final int kind;
    private final boolean truncate;
    private final int destination;
    private final int source;
    @Child private X86AddressNode address;

    public X86MmxConvertNode(long rip, int length, int kind, boolean truncate, int destination, int source, X86AddressNode address) {
        super(rip, length);
        this.kind = kind;
        this.truncate = truncate;
        this.destination = destination;
        this.source = source;
        this.address = address;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        X86FpuState fpu = cpu.fpu();
        if (address == null || kind == PS_TO_PI || kind == PD_TO_PI) {
            X86MmxRegisters.checkPending(fpu); // the forms that touch an MMX register
        }
        long[] x = fpu.xmmArray();
        long s0;
        long s1 = 0;
        if (address != null) {
            long linear = address.executeUnchecked(frame, cpu);
            if (kind == PD_TO_PI) {
                X86SseMemory.checkAligned(cpu, linear);
            }
            address.checkStackSegment(linear, 8); // #SS only after the alignment #GP
            if (kind == PD_TO_PI) {
                X86SseMemory.probeRead16(cpu, linear);
                s0 = X86GuestMemory.read(cpu, linear, 8);
                s1 = X86GuestMemory.read(cpu, linear + 8, 8);
            } else {
                s0 = X86GuestMemory.read(cpu, linear, 8);
            }
        } else if (kind == PI_TO_PS || kind == PI_TO_PD) {
            s0 = X86MmxRegisters.read(fpu, source);
        } else {
            s0 = x[source * 2];
            s1 = x[source * 2 + 1];
        }
        int m = fpu.mxcsr();
        int d = destination * 2;
        switch (kind) {
            case PI_TO_PS -> {
                long r = X86SseConversions.fromInteger(X86FloatFormat.SINGLE, (int) s0, m, fpu)
                        | X86SseConversions.fromInteger(X86FloatFormat.SINGLE, (int) (s0 >>> 32), m, fpu) << 32;
                if (address == null) {
                    X86MmxRegisters.enter(fpu);
                }
                X86SseFloat.commit(fpu);
                x[d] = r;
            }
            case PI_TO_PD -> {
                long r0 = X86SseConversions.fromInteger(X86FloatFormat.DOUBLE, (int) s0, m, fpu);
                long r1 = X86SseConversions.fromInteger(X86FloatFormat.DOUBLE, (int) (s0 >>> 32), m, fpu);
                if (address == null) {
                    X86MmxRegisters.enter(fpu);
                }
                X86SseFloat.commit(fpu);
                x[d] = r0;
                x[d + 1] = r1;
            }
            case PS_TO_PI -> {
                long r = X86SseConversions.toInteger(X86FloatFormat.SINGLE, s0 & 0xFFFF_FFFFL, 4, truncate, m, fpu)
                        | X86SseConversions.toInteger(X86FloatFormat.SINGLE, s0 >>> 32, 4, truncate, m, fpu) << 32;
                X86MmxRegisters.enter(fpu);
                X86SseFloat.commit(fpu);
                X86MmxRegisters.write(fpu, destination, r);
            }
            default -> {
                long r = X86SseConversions.toInteger(X86FloatFormat.DOUBLE, s0, 4, truncate, m, fpu)
                        | X86SseConversions.toInteger(X86FloatFormat.DOUBLE, s1, 4, truncate, m, fpu) << 32;
                X86MmxRegisters.enter(fpu);
                X86SseFloat.commit(fpu);
                X86MmxRegisters.write(fpu, destination, r);
            }
        }
    }
}
