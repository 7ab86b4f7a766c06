package dev.trufflexen.x86.nodes.control;

import static dev.trufflexen.x86.cpu.X86Reg.RAX;
import static dev.trufflexen.x86.cpu.X86Reg.RDX;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.nodes.X86InstructionNode;

/** RDTSC: EDX:EAX = a host-derived counter ticking at 1 GHz (nanoseconds since the JVM's origin). */
public final class X86ReadTimeStampNode extends X86InstructionNode {
    public X86ReadTimeStampNode(long rip, int length) {
        super(rip, length);
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long tsc = hostTimeStamp();
        setRegister(frame, RAX, tsc & 0xFFFF_FFFFL);
        setRegister(frame, RDX, tsc >>> 32);
    }

    @TruffleBoundary
    private static long hostTimeStamp() {
        return System.nanoTime();
    }
}
