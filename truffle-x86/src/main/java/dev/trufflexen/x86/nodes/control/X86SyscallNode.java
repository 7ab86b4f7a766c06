package dev.trufflexen.x86.nodes.control;

import static dev.trufflexen.x86.cpu.X86Reg.R11;
import static dev.trufflexen.x86.cpu.X86Reg.RCX;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Platform;
import dev.trufflexen.x86.cpu.X86Rflags;
import dev.trufflexen.x86.nodes.X86FlagState;
import dev.trufflexen.x86.nodes.X86FrameRegisters;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.X86MemorySite;
import dev.trufflexen.x86.runtime.X86ExitException;

/**
 * SYSCALL: RCX = return RIP, R11 = RFLAGS, then the platform handles it (for a PV kernel, a
 * hypercall) without leaving the region: the frame's registers and flags go to the CPU, the
 * platform runs, and if it let execution continue after the instruction (RIP unchanged, no stop
 * requested) the registers come back and the region goes on. A platform that moved RIP (an
 * upcall, a return to user mode) or asked the CPU to stop leaves the CPU's state authoritative
 * and the region exits. The registers the frame holds go to the CPU first, and afterwards the
 * region reads each from the CPU again when it next needs it ({@link X86FrameRegisters}), since
 * the platform may read or change any of them.
 *
 * <p>A poll asked for during the call ({@link X86Cpu#requestPoll}: a vCPU the hypercall woke and
 * left to this CPU's thread) is served here, at the instruction boundary after the
 * {@code syscall}, as Xen checks for softirqs on its way back from a hypercall: only what it then
 * changes (RIP, an exit, the mappings, a full attention request) ends the region. A poll asked
 * for again while serving it is left pending for the next back edge or exit. A full attention
 * request ({@link X86Cpu#requestAttention}, which may mean the running code is stale) or a stop
 * asked for before the call ends the region as before.
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
        if (!callPlatform(cpu, nextRip())) {
            throw X86ExitException.platformTookOver();
        }
        loadState(frame, cpu);
    }

    /** Makes the call and serves attention after it; true when the region may go on after the instruction. */
    @TruffleBoundary
    private static boolean callPlatform(X86Cpu cpu, long nextRip) {
        cpu.notePlatformEntry();
        int translations = cpu.mmu().translationGeneration();
        long requests = cpu.attentionRequests();
        boolean stoppedBefore = cpu.stopRequested();
        X86Platform platform = cpu.platform();
        platform.syscall(cpu);
        if (cpu.rip() != nextRip || cpu.mmu().translationGeneration() != translations) {
            return false;
        }
        if (stoppedBefore || cpu.attentionRequests() != requests) {
            // Asked before the call, or a request that may mean stale code (a write over it): leave.
            return !cpu.stopRequested();
        }
        if (cpu.attentionRequested() && !cpu.exitRequested()) {
            platform.attention(cpu);
            if (cpu.rip() != nextRip || cpu.mmu().translationGeneration() != translations || cpu.attentionRequests() != requests) {
                return false;
            }
        }
        return !cpu.stopsForMoreThanAttention();
    }

    private static void storeState(VirtualFrame frame, X86Cpu cpu, long rflags) {
        X86FrameRegisters.writeBack(frame, cpu, X86FrameRegisters.ALL);
        cpu.restoreRflags(rflags);
    }

    /** After the platform ran: registers are read from the CPU again as the region needs them. */
    private static void loadState(VirtualFrame frame, X86Cpu cpu) {
        X86FrameRegisters.fromCpu(frame, cpu, X86FrameRegisters.ALL);
        X86FlagState.setMaterialized(frame, cpu.rflags());
        X86MemorySite.clearAll(frame);
    }
}
