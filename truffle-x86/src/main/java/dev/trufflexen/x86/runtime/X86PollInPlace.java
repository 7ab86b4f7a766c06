package dev.trufflexen.x86.runtime;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;

import dev.trufflexen.x86.cpu.X86Cpu;

/**
 * Serving a poll ({@link X86Cpu#requestPoll}) at a loop back edge without ending the region,
 * when the platform can serve it without the guest's state
 * ({@link dev.trufflexen.x86.cpu.X86Platform#attentionInPlace}). A scheduler that asks the
 * running vCPU to look again at every back edge (a hand-off window) then costs a boundary call
 * per back edge instead of a region exit, and the region keeps its chained calls, whose returns
 * would otherwise each go through the dispatcher.
 *
 * <p>Anything more than a poll still ends the region: an exit, single-stepping, a full attention
 * request ({@link X86Cpu#requestAttention}, which may mean the running code was written over)
 * not yet served by the dispatcher, a platform that wants the CPU's state (an event to deliver,
 * a TLB flush), or a request or mapping change that came while the platform looked.
 */
public final class X86PollInPlace {
    private X86PollInPlace() {
    }

    /** With a stop requested at a back edge: true when it was a poll, now served, and the region may go on. */
    @TruffleBoundary
    public static boolean served(X86Cpu cpu) {
        if (cpu.stopsForMoreThanAttention() || !cpu.attentionRequested()) {
            return false;
        }
        if (cpu.attentionRequests() != cpu.attentionRequestsServed()) {
            cpu.requestPoll(); // a full request: the dispatcher serves it (its flag may have been taken by a poll)
            return false;
        }
        long requests = cpu.attentionRequests();
        int translations = cpu.mmu().translationGeneration();
        if (!cpu.platform().attentionInPlace(cpu)) {
            return false;
        }
        if (cpu.attentionRequests() != requests || cpu.mmu().translationGeneration() != translations) {
            cpu.requestPoll(); // the dispatcher serves what came meanwhile
            return false;
        }
        return !cpu.stopsForMoreThanAttention();
    }
}
