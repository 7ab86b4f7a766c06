package dev.trufflexen.x86.runtime;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;

import dev.trufflexen.x86.cpu.X86Breakpoints;
import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86DebugStop;
import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.cpu.X86Rflags;
import dev.trufflexen.x86.region.X86RegionBuilder;

/**
 * The dispatcher's instruction-at-a-time path, taken only while RFLAGS.TF is set or a breakpoint
 * is armed ({@link X86Cpu#stepping()}); otherwise regions run as usual and nothing here costs
 * anything. Each step follows the SDM's #DB rules:
 * <ol>
 * <li>An enabled instruction breakpoint at RIP, with RF clear, is a fault: #DB with its B bits
 * and RIP at the instruction, which has not run.
 * <li>Otherwise the instruction runs alone in a one-instruction region (uncached, interpreted).
 * If it left through the platform (a fault, a software interrupt, a syscall, an instruction the
 * platform emulates), the platform has delivered what it owed, single-step traps included, and
 * the step ends.
 * <li>Otherwise it retired: RF is cleared, and a trap follows when TF was set before it
 * (DR6.BS) or its accesses hit a data breakpoint (DR6.Bn, from the MMU's watch): #DB with RIP
 * after the instruction.
 * </ol>
 * A debugger's stepping ({@link X86Cpu#setDebuggerStepping}) takes this path too, invisibly to
 * the guest, and so does each instruction that translated code was about to run with an access
 * to a debugger watchpoint ({@link X86Cpu#setDebuggerWatchpoints}; only the watched pages leave
 * the TLB, every other access stays on the fast path): the step or the hit ends
 * {@link X86Cpu#run} with an {@link X86DebugStop}.
 */
final class X86SingleStep {
    private X86SingleStep() {
    }

    @TruffleBoundary
    static void step(X86Language language, X86Cpu cpu) {
        if (cpu.debuggerWatchStep() && !cpu.debuggerStepping()) {
            // Translated code was about to touch a debugger watchpoint: the instruction (past its
            // own debugger stop, if it has one) runs again alone and stops after it if it hit.
            long rip = cpu.rip();
            cpu.skipDebugStopOnce(rip);
            stepInstruction(language, cpu);
            cpu.consumeDebugSkip(rip);
            cpu.endDebuggerWatchStep();
            return;
        }
        if (!cpu.debuggerStepping()) {
            stepInstruction(language, cpu);
            return;
        }
        long rip = cpu.rip();
        cpu.skipDebugStopOnce(rip); // a debugger steps from its own stop: the instruction runs
        stepInstruction(language, cpu);
        cpu.consumeDebugSkip(rip);
        if (!cpu.exitRequested()) {
            cpu.requestExit(X86DebugStop.step());
        }
    }

    private static void stepInstruction(X86Language language, X86Cpu cpu) {
        long rip = cpu.rip();
        long rflags = cpu.rflags();
        if ((rflags & X86Rflags.RF) == 0) {
            int hits = cpu.breakpoints().instructionHits(rip);
            if (hits != 0) {
                deliver(cpu, X86Fault.debug(hits));
                return;
            }
        }
        X86RegionBuilder.Result result = X86RegionBuilder.buildSingleInstruction(language, cpu, rip);
        if (result.entryFault() != null) {
            X86Fault fault = result.entryFault();
            if (fault.vector() == X86Fault.PF) {
                cpu.setCr2(fault.faultAddress());
            }
            deliver(cpu, fault);
            return;
        }
        long entries = cpu.platformEntries();
        cpu.mmu().takeWatchHits();
        cpu.mmu().takeDebuggerWatchHits();
        cpu.mmu().setPreciseWatch(true);
        try {
            result.root().getCallTarget().call(cpu);
        } finally {
            cpu.mmu().setPreciseWatch(false);
        }
        int dataHits = cpu.mmu().takeWatchHits();
        int debuggerHits = cpu.mmu().takeDebuggerWatchHits();
        if (debuggerHits != 0) {
            cpu.requestExit(X86DebugStop.watch(debuggerHits));
        }
        if (cpu.platformEntries() != entries || cpu.exitRequested()) {
            return;
        }
        cpu.setRflags(cpu.rflags() & ~X86Rflags.RF);
        int status = dataHits | ((rflags & X86Rflags.TF) != 0 ? X86Breakpoints.DR6_BS : 0);
        if (status != 0) {
            deliver(cpu, X86Fault.debug(status));
        }
    }

    private static void deliver(X86Cpu cpu, X86Fault fault) {
        cpu.notePlatformEntry();
        cpu.platform().fault(cpu, fault);
    }
}
