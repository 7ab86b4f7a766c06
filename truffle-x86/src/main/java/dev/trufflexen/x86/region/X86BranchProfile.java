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
 * never seen before compilation becomes very unlikely but stays compiled: nothing deoptimizes when
 * a loop finally exits, and a region is not recompiled for it.
 */
final class X86BranchProfile {
    /** Observations after which counting stops: enough to tell 1 in 10^6 from never. */
    static final int LIMIT = 1 << 24;

    @CompilationFinal private int taken;
    @CompilationFinal private int notTaken;

    /** Records {@code condition} in the interpreter; in compiled code, attaches its probability to it. */
    boolean profile(boolean condition) {
        if (CompilerDirectives.inInterpreter()) {
            if (taken + notTaken < LIMIT) {
                if (condition) {
                    taken++;
                } else {
                    notTaken++;
                }
            }
            return condition;
        }
        return CompilerDirectives.injectBranchProbability(probability(taken, notTaken), condition);
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
