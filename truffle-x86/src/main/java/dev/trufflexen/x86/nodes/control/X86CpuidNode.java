package dev.trufflexen.x86.nodes.control;

import static dev.trufflexen.x86.cpu.X86Reg.RAX;
import static dev.trufflexen.x86.cpu.X86Reg.RBX;
import static dev.trufflexen.x86.cpu.X86Reg.RCX;
import static dev.trufflexen.x86.cpu.X86Reg.RDX;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.runtime.X86ExitException;

/**
 * CPUID (0F A2): EAX/ECX select a leaf of the platform's {@link dev.trufflexen.x86.cpu.X86CpuidPolicy};
 * #GP(0) instead while the platform applies CPUID faulting.
 */
public final class X86CpuidNode extends X86InstructionNode {
    public X86CpuidNode(long rip, int length) {
        super(rip, length);
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        if (faults(cpu)) {
            throw X86ExitException.generalProtection();
        }
        int[] r = query(cpu, (int) getRegister(frame, RAX), (int) getRegister(frame, RCX));
        setRegister(frame, RAX, r[0] & 0xFFFF_FFFFL);
        setRegister(frame, RBX, r[1] & 0xFFFF_FFFFL);
        setRegister(frame, RCX, r[2] & 0xFFFF_FFFFL);
        setRegister(frame, RDX, r[3] & 0xFFFF_FFFFL);
    }

    @TruffleBoundary
    private static boolean faults(X86Cpu cpu) {
        return cpu.platform().cpuidFaults(cpu);
    }

    @TruffleBoundary
    private static int[] query(X86Cpu cpu, int leaf, int subleaf) {
        return cpu.platform().cpuidPolicy().query(leaf, subleaf);
    }
}
