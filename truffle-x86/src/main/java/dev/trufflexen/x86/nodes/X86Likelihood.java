package dev.trufflexen.x86.nodes;

import com.oracle.truffle.api.CompilerDirectives;

/**
 * Branch probabilities for the tests every guest instruction makes: a translation-cache or TLB
 * hit, an operand that stays on its page, a canonical address, a divisor that is not zero. Graal
 * has no profile for code produced by partial evaluation and would otherwise treat each of these
 * tests as a coin toss: it would lay out the miss and fault paths inline and allocate registers
 * as if they ran half the time. Wrapping the condition marks which side is the fast path, so the
 * rare side is placed out of line and the hot loop keeps its values in registers.
 */
public final class X86Likelihood {
    private X86Likelihood() {
    }

    /** {@code condition}, which is almost always true (the fast path). */
    public static boolean likely(boolean condition) {
        return CompilerDirectives.injectBranchProbability(CompilerDirectives.FASTPATH_PROBABILITY, condition);
    }

    /** {@code condition}, which is almost always false (a fault, a miss, a stop request). */
    public static boolean unlikely(boolean condition) {
        return CompilerDirectives.injectBranchProbability(CompilerDirectives.SLOWPATH_PROBABILITY, condition);
    }
}
