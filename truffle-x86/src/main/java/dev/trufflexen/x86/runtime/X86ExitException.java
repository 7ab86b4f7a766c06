package dev.trufflexen.x86.runtime;

import com.oracle.truffle.api.CompilerDirectives.CompilationFinal;
import com.oracle.truffle.api.nodes.ControlFlowException;

import dev.trufflexen.x86.cpu.X86Fault;

/**
 * Leaves a translated region early: a guest fault, a trap or software interrupt, or a plain stop
 * (self-modified code, an interrupted {@code rep} string instruction, the platform having taken
 * over inside the region).
 *
 * <p>Thrown after explicit checks, never instead of them, and caught by the region root, which
 * writes the frame's registers back (they still hold the state before the faulting instruction)
 * and then calls the platform. A {@link ControlFlowException} has no stack trace and, when thrown
 * and caught in one compilation unit, costs no more than a branch.
 *
 * <p><b>No allocation on exits.</b> Compiled code never builds an exit object: an exit is either
 * a shared, immutable constant (a fault without data of its own: {@link #fault(int)},
 * {@link #generalProtection()}, {@link #stackFault()}, {@link #platformTookOver()}), or the one
 * mutable exit every CPU preallocates ({@link #perCpu()}, {@code X86Cpu.exit()}), whose primitive
 * fields the throwing site fills just before the throw: a resume RIP, a page fault's address and
 * error code, a trap's vector and return RIP. The {@link X86Fault} a platform sees is built only
 * behind the region root's boundary ({@link #guestFault()}). One CPU runs on one thread and the
 * root reads the fields before it calls anything that could run guest code again, so one
 * mutable exit per CPU is enough.
 */
public final class X86ExitException extends ControlFlowException {
    private static final long serialVersionUID = 1L;

    public static final int FAULT = 0;
    public static final int RESUME = 3;
    /** The platform ran inside the region and changed RIP or asked to stop: the CPU's state is final. */
    public static final int PLATFORM_TOOK_OVER = 4;

    private static final int VECTORS = 32;
    /** The shared exits of faults without an error code, by vector. */
    @CompilationFinal(dimensions = 1) private static final X86ExitException[] FAULTS = new X86ExitException[VECTORS];
    private static final X86ExitException GENERAL_PROTECTION = constant(FAULT, X86Fault.GP, true);
    private static final X86ExitException STACK_FAULT = constant(FAULT, X86Fault.SS, true);
    private static final X86ExitException PLATFORM = constant(PLATFORM_TOOK_OVER, 0, false);
    private static final X86ExitException RETRY = constant(RESUME, 0, false);

    static {
        for (int vector = 0; vector < VECTORS; vector++) {
            FAULTS[vector] = constant(FAULT, vector, false);
        }
    }

    /** False for the shared constants, which are never written. */
    private final boolean mutable;
    private int kind;
    private int vector;
    private boolean hasErrorCode;
    private boolean softwareInterrupt;
    private boolean atCurrentInstruction;
    private long errorCode;
    /** CR2 for a page fault; DR6's status bits for a #DB (see {@link X86Fault#debug}). */
    private long faultAddress;
    private long resumeRip;

    private X86ExitException(boolean mutable) {
        this.mutable = mutable;
    }

    private static X86ExitException constant(int kind, int vector, boolean hasErrorCode) {
        X86ExitException exit = new X86ExitException(false);
        exit.kind = kind;
        exit.vector = vector;
        exit.hasErrorCode = hasErrorCode;
        exit.atCurrentInstruction = true;
        return exit;
    }

    /** The mutable exit of one CPU (allocated once, when the CPU is created). */
    public static X86ExitException perCpu() {
        return new X86ExitException(true);
    }

    /** A fault without an error code ({@code vector} &lt; 32): RIP stays at the instruction. */
    public static X86ExitException fault(int vector) {
        return FAULTS[vector];
    }

    /** #GP(0): RIP stays at the instruction. */
    public static X86ExitException generalProtection() {
        return GENERAL_PROTECTION;
    }

    /** #SS(0): RIP stays at the instruction. */
    public static X86ExitException stackFault() {
        return STACK_FAULT;
    }

    /** The platform, called from inside the region, has set the CPU's whole state: exit without writing the frame back. */
    public static X86ExitException platformTookOver() {
        return PLATFORM;
    }

    /** This CPU's exit as {@code fault}: RIP stays at the instruction that raised it. */
    public X86ExitException raise(X86Fault fault) {
        return fill(FAULT, fault.vector(), fault.hasErrorCode(), fault.errorCode(), fault.faultAddress(), fault.isSoftwareInterrupt(), true, 0);
    }

    /** This CPU's exit as a trap or software interrupt: RIP moves on to {@code nextRip} before the platform sees it. */
    public X86ExitException trap(X86Fault fault, long nextRip) {
        return fill(FAULT, fault.vector(), fault.hasErrorCode(), fault.errorCode(), fault.faultAddress(), fault.isSoftwareInterrupt(), false, nextRip);
    }

    /** This CPU's exit as a #PF at {@code linearAddress} (CR2). */
    public X86ExitException pageFault(long linearAddress, int pageFaultErrorCode) {
        return fill(FAULT, X86Fault.PF, true, pageFaultErrorCode, linearAddress, false, true, 0);
    }

    /** This CPU's exit as a stop: continue at {@code rip} through the dispatcher. */
    public X86ExitException resume(long rip) {
        return fill(RESUME, 0, false, 0, 0, false, false, rip);
    }

    private X86ExitException fill(int newKind, int newVector, boolean newHasErrorCode, long newErrorCode, long newFaultAddress,
            boolean newSoftwareInterrupt, boolean newAtCurrentInstruction, long newResumeRip) {
        assert mutable : "a shared exit is never written";
        kind = newKind;
        vector = newVector;
        hasErrorCode = newHasErrorCode;
        errorCode = newErrorCode;
        faultAddress = newFaultAddress;
        softwareInterrupt = newSoftwareInterrupt;
        atCurrentInstruction = newAtCurrentInstruction;
        resumeRip = newResumeRip;
        return this;
    }

    /**
     * Stop the region before the current instruction and run it again through the dispatcher
     * (nothing of it has been written): its code is about to change under it.
     */
    public static X86ExitException retry() {
        return RETRY;
    }

    public int kind() {
        return kind;
    }

    /** The guest-visible exception of a {@link #FAULT} exit (built here, so call it off the compiled path). */
    public X86Fault guestFault() {
        return new X86Fault(vector, hasErrorCode, errorCode, faultAddress, softwareInterrupt);
    }

    public boolean atCurrentInstruction() {
        return atCurrentInstruction;
    }

    public long resumeRip() {
        return resumeRip;
    }
}
