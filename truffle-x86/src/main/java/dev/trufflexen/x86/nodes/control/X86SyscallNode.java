package dev.trufflexen.x86.nodes.control;

import static dev.trufflexen.x86.cpu.X86Reg.R11;
import static dev.trufflexen.x86.cpu.X86Reg.RCX;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.ExplodeLoop;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.cpu.X86Rflags;
import dev.trufflexen.x86.nodes.X86FlagState;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.X86MemorySite;
import dev.trufflexen.x86.runtime.X86ExitException;

/**
 * SYSCALL: RCX = return RIP, R11 = RFLAGS, then the platform handles it (for a PV kernel, a
 * hypercall) without leaving the region: the frame's registers and flags go to the CPU, the
 * platform runs, and if it let execution continue after the instruction (RIP unchanged, no stop
 * requested) the registers come back and the region goes on. A platform that moved RIP (an
 * upcall, a return to user mode) or asked the CPU to stop leaves the CPU's state authoritative
 * and the region exits. The region copies all sixteen registers (the translator touches them),
 * since the platform may read or change any of them.
 *
 * <p>Translations cached in the frame are dropped afterwards: the platform may have changed
 * page tables. A platform that dropped TLB entries (a CR3 load, a flush) also ends the region,
 * since its code was translated under the old mappings.
 */
public final class X86SyscallNode extends X86InstructionNode {
    public X86SyscallNode(long rip, int length) {
        super(rip, length);
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        setRegister(frame, RCX, nextRip());
        long rflags = X86FlagState.materialize(frame);
        setRegister(frame, R11, rflags & ~X86Rflags.RF);
        storeState(frame, cpu, rflags);
        cpu.setRip(nextRip());
        int translations = cpu.mmu().translationGeneration();
        callPlatform(cpu);
        if (cpu.rip() != nextRip() || cpu.stopRequested() || cpu.mmu().translationGeneration() != translations) {
            throw X86ExitException.platformTookOver();
        }
        loadState(frame, cpu);
    }

    @TruffleBoundary
    private static void callPlatform(X86Cpu cpu) {
        cpu.notePlatformEntry();
        cpu.platform().syscall(cpu);
    }

    @ExplodeLoop
    private static void storeState(VirtualFrame frame, X86Cpu cpu, long rflags) {
        for (int reg = 0; reg < X86Reg.COUNT; reg++) {
            cpu.setReg(reg, frame.getLongStatic(reg));
        }
        cpu.restoreRflags(rflags);
    }

    @ExplodeLoop
    private static void loadState(VirtualFrame frame, X86Cpu cpu) {
        for (int reg = 0; reg < X86Reg.COUNT; reg++) {
            frame.setLongStatic(reg, cpu.reg(reg));
        }
        X86FlagState.setMaterialized(frame, cpu.rflags());
        X86MemorySite.clearAll(frame);
    }
}
