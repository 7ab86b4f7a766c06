package dev.trufflexen.x86.nodes;

import dev.trufflexen.x86.runtime.X86ExitException;

/**
 * Stack-segment accesses (PUSH, POP, CALL, RET, LEAVE, ENTER and RSP/RBP-based operands) fault
 * with #SS(0) rather than #GP(0) when their address is non-canonical; the processor checks this
 * before paging, over the whole operand.
 */
public final class X86StackSegment {
    private X86StackSegment() {
    }

    /** Returns {@code linear}, or throws #SS(0) when any byte of the access is non-canonical. */
    public static long check(long linear, int size) {
        if (X86Likelihood.unlikely(!isCanonical(linear) || !isCanonical(linear + size - 1))) {
            throw X86ExitException.stackFault();
        }
        return linear;
    }

    /** {@link #check(long, int)} for a site with a fault profile: the fault path deoptimizes until the site has faulted. */
    public static long check(long linear, int size, X86FaultProfile faults) {
        if (X86Likelihood.unlikely(!isCanonical(linear) || !isCanonical(linear + size - 1))) {
            faults.enter();
            throw X86ExitException.stackFault();
        }
        return linear;
    }

    private static boolean isCanonical(long linear) {
        return (linear << 16 >> 16) == linear;
    }
}
