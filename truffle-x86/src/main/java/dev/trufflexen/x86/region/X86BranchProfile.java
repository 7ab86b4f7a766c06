package dev.trufflexen.x86.region;

import com.oracle.truffle.api.CompilerDirectives;
import com.oracle.truffle.api.CompilerDirectives.CompilationFinal;

/**
 * How often one guest branch went each way while its region ran in the interpreter, handed to
 * Graal as the branch's probability when the region compiles.
 *
 * <p>Partial evaluation gives Graal no profile of the guest's branches, so without this every Jcc
 * is a coin toss: a loop is believed to run twice, its exit path is laid out inline and the
 * register allocator spills loop values around it. The counts are taken only in the
 * interpreter (and stop growing at {@link #LIMIT} observations); compiled code reads them as
 * constants. The probability is smoothed, {@code (taken + 1) / (taken + notTaken + 2)}, so a side
 * seen rarely or not yet stays compiled, out of line: nothing deoptimizes when a loop that ran
 * a few hundred times in the interpreter finally exits, and the region is not recompiled for it.
 *
 * <p>Only a side never seen in {@link #PRUNE_AFTER} observations is left out of compiled code
 * (GraalWasm's {@code profileCondition} does this at zero): reaching it deoptimizes, invalidates
 * the compilation and counts it, so the recompilation keeps that side. Each side of each branch
 * can cause this at most once, which bounds the recompilations; in exchange the code only a
 * pruned side reaches (error paths, translated blocks the guest never runs) costs nothing.
 *
 * <p>{@code -Dtrufflexen.branchProfiles=false} hands Graal no probability and prunes nothing, as
 * before these profiles, and {@code -Dtrufflexen.pruneBranches=false} keeps the probabilities
 * but prunes nothing (for measuring what each buys).
 */
final class X86BranchProfile {
    /** Observations after which counting stops: enough to tell 1 in 10^6 from never. */
    static final int LIMIT = 1 << 24;
    /** A side not seen in this many observations is left out of compiled code. */
    static final int PRUNE_AFTER = 1000;

    private static final boolean ENABLED = !"false".equals(System.getProperty("trufflexen.branchProfiles"));
    private static final int PRUNE_LIMIT = "false".equals(System.getProperty("trufflexen.pruneBranches")) ? Integer.MAX_VALUE : PRUNE_AFTER;

    @CompilationFinal private int taken;
    @CompilationFinal private int notTaken;

    /** Records {@code condition} in the interpreter; in compiled code, attaches its probability to it. */
    boolean profile(boolean condition) {
        if (CompilerDirectives.inCompiledCode()) {
            if (!ENABLED) {
                return condition;
            }
            if (taken == 0 && notTaken >= PRUNE_LIMIT) {
                if (!condition) {
                    return false;
                }
                CompilerDirectives.transferToInterpreterAndInvalidate(); // then count it below
            } else if (notTaken == 0 && taken >= PRUNE_LIMIT) {
                if (condition) {
                    return true;
                }
                CompilerDirectives.transferToInterpreterAndInvalidate();
            } else {
                return CompilerDirectives.injectBranchProbability(probability(taken, notTaken), condition);
            }
        }
        if (taken + notTaken < LIMIT) {
            if (condition) {
                taken++;
            } else {
                notTaken++;
            }
        }
        return condition;
    }

    static double probability(int taken, int notTaken) {
        return (taken + 1.0) / (taken + notTaken + 2.0);
    }

    int taken() {
        return taken;
    }

    int notTaken() {
        return notTaken;
    }
}
