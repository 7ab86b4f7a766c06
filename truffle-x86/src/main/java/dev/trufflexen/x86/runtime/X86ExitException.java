package dev.trufflexen.x86.runtime;

import com.oracle.truffle.api.nodes.ControlFlowException;

import dev.trufflexen.x86.cpu.X86Fault;

/**
 * Leaves a translated region early: a guest fault, a trap or software interrupt, a
 * {@code syscall} for the platform, or a plain stop (self-modified code, an
 * interrupted {@code rep} string instruction).
 *
 * <p>Thrown after explicit checks, never instead of them, and caught by the region root, which
 * writes the frame's registers back (they still hold the state before the faulting instruction)
 * and then calls the platform. A {@link ControlFlowException} has no stack trace and, when thrown
 * and caught in one compilation unit, costs no more than a branch.
 */
public final class X86ExitException extends ControlFlowException {
    private static final long serialVersionUID = 1L;

    public static final int FAULT = 0;
    public static final int SYSCALL = 1;
    public static final int RESUME = 3;
    /** The platform ran inside the region and changed RIP or asked to stop: the CPU's state is final. */
    public static final int PLATFORM_TOOK_OVER = 4;

    private final int kind;
    private final X86Fault fault;
    private final boolean atCurrentInstruction;
    private final long resumeRip;

    private X86ExitException(int kind, X86Fault fault, boolean atCurrentInstruction, long resumeRip) {
        this.kind = kind;
        this.fault = fault;
        this.atCurrentInstruction = atCurrentInstruction;
        this.resumeRip = resumeRip;
    }

    /** A fault: RIP stays at the instruction that raised it. */
    public static X86ExitException fault(X86Fault fault) {
        return new X86ExitException(FAULT, fault, true, 0);
    }

    /** A trap or software interrupt: RIP moves on to {@code nextRip} before the platform sees it. */
    public static X86ExitException trap(X86Fault fault, long nextRip) {
        return new X86ExitException(FAULT, fault, false, nextRip);
    }

    public static X86ExitException syscall(long nextRip) {
        return new X86ExitException(SYSCALL, null, false, nextRip);
    }

    /** The platform, called from inside the region, has set the CPU's whole state: exit without writing the frame back. */
    public static X86ExitException platformTookOver() {
        return new X86ExitException(PLATFORM_TOOK_OVER, null, false, 0);
    }

    /** Stop the region and continue at {@code rip} through the dispatcher. */
    public static X86ExitException resume(long rip) {
        return new X86ExitException(RESUME, null, false, rip);
    }

    /**
     * Stop the region before the current instruction and run it again through the dispatcher
     * (nothing of it has been written): its code is about to change under it.
     */
    public static X86ExitException retry() {
        return new X86ExitException(RESUME, null, true, 0);
    }

    public int kind() {
        return kind;
    }

    public X86Fault guestFault() {
        return fault;
    }

    public boolean atCurrentInstruction() {
        return atCurrentInstruction;
    }

    public long resumeRip() {
        return resumeRip;
    }
}
