package dev.trufflexen.x86.nodes.control;

import static dev.trufflexen.x86.cpu.X86Reg.RAX;
import static dev.trufflexen.x86.cpu.X86Reg.RCX;
import static dev.trufflexen.x86.cpu.X86Reg.RDX;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.X86Sizes;

/**
 * RDTSC (0F 31) and RDTSCP (0F 01 F9): EDX:EAX = the platform's time-stamp counter
 * ({@link dev.trufflexen.x86.cpu.X86Platform#timeStampCounter}); RDTSCP also loads ECX with
 * TSC_AUX. CR4.TSD is never set, so neither faults at CPL 3.
 */
public final class X86ReadTimeStampNode extends X86InstructionNode {
    private final boolean withAux;

    public X86ReadTimeStampNode(long rip, int length, boolean withAux) {
        super(rip, length);
        this.withAux = withAux;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long tsc = timeStamp(cpu);
        setRegister(frame, RAX, X86Sizes.truncate(tsc, 4));
        setRegister(frame, RDX, tsc >>> 32);
        if (withAux) {
            setRegister(frame, RCX, auxiliary(cpu) & 0xFFFF_FFFFL);
        }
    }

    @TruffleBoundary
    private static long timeStamp(X86Cpu cpu) {
        return cpu.platform().timeStampCounter(cpu);
    }

    @TruffleBoundary
    private static int auxiliary(X86Cpu cpu) {
        return cpu.platform().timeStampAux(cpu);
    }
}
