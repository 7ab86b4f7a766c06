package dev.trufflexen.x86.runtime;

import com.oracle.truffle.api.CallTarget;

import dev.trufflexen.x86.cpu.X86Cpu;

/**
 * The dispatcher's successor cache for one vCPU: a direct-mapped table from RIP to the region
 * that starts there, consulted inline (in compiled code, no boundary) before the
 * {@link X86CodeCache} lookup. Every region exit, including RET and indirect branches, lands in
 * the dispatcher, so one table keyed by the target RIP serves them all; returns to call sites
 * hit as soon as the call site's continuation has been translated once. Regions calling each
 * other directly (chained calls, see {@link dev.trufflexen.x86.region.X86RegionBuilder}) find
 * their callee here too, with the same checks, and this vCPU's nesting depth is kept here.
 *
 * <p>An entry stays usable only while three things hold, each checked on every hit:
 * <ul>
 * <li>the region's code assumption is valid (a guest or host write to its bytes discards it);</li>
 * <li>the MMU has dropped no TLB entry since the entry was filled
 * ({@link dev.trufflexen.x86.mmu.X86Mmu#translationGeneration()}: CR3 load, flush, INVLPG), so
 * the region's linear code pages still map the machine pages it was built from, exactly as the
 * fetch TLB the code cache consults would say;</li>
 * <li>no frame started holding code since this CPU last synchronized its write TLB with the code
 * cache ({@link X86CodeCache#epoch()}); otherwise the slow lookup synchronizes first.</li>
 * </ul>
 */
public final class X86JumpCache {
    private static final int BITS = 12;
    private static final int MASK = (1 << BITS) - 1;

    /** How deeply regions of this vCPU are nested as host calls now (see {@link #enterChainedCall}). */
    public static final int MAX_CHAIN_DEPTH = 64;

    private final X86Region[] regions = new X86Region[1 << BITS];
    private final int[] generations = new int[1 << BITS];
    private int codeEpoch = -1;
    private int chainDepth;
    private long chainedCalls;

    private static int index(long rip) {
        return (int) (rip ^ (rip >>> BITS)) & MASK;
    }

    /** The region for {@code cpu}'s RIP if cached and still valid; otherwise null. */
    X86Region lookup(X86Cpu cpu) {
        return region(cpu, cpu.rip());
    }

    /**
     * The call target of the region starting at {@code rip} if cached for {@code cpu} and still
     * valid (the same three checks as the dispatcher's); otherwise null. A region calling another
     * one directly (a chained call) asks this first, so a callee whose code was rewritten, or
     * whose pages map elsewhere now, is never entered from a caller's inline cache.
     */
    public CallTarget lookup(X86Cpu cpu, long rip) {
        X86Region region = region(cpu, rip);
        return region == null ? null : region.callTarget;
    }

    private X86Region region(X86Cpu cpu, long rip) {
        int index = index(rip);
        X86Region region = regions[index];
        if (region != null && region.entryRip == rip && generations[index] == cpu.mmu().translationGeneration()
                && codeEpoch == cpu.codeCache().epoch() && region.isValid()) {
            return region;
        }
        return null;
    }

    /** Remembers a region the code cache just returned for {@code cpu} (whose write TLB is now in sync). */
    void remember(X86Cpu cpu, X86Region region, int epochSynchronized) {
        int index = index(region.entryRip);
        regions[index] = region;
        generations[index] = cpu.mmu().translationGeneration();
        if (epochSynchronized != codeEpoch) {
            codeEpoch = epochSynchronized;
        }
    }

    /**
     * Before a region calls another one as a nested host call: false (and nothing changes) when
     * {@link #MAX_CHAIN_DEPTH} calls are nested already, so the call goes through the dispatcher
     * and the host stack stays bounded.
     */
    public boolean enterChainedCall() {
        if (chainDepth >= MAX_CHAIN_DEPTH) {
            return false;
        }
        chainDepth++;
        chainedCalls++;
        return true;
    }

    /** Calls between regions of this vCPU that bypassed the dispatcher, since it was created. */
    public long chainedCalls() {
        return chainedCalls;
    }

    /** After a nested region call returned (or threw). */
    public void leaveChainedCall() {
        chainDepth--;
    }

    /** The dispatcher's level: no region is running (after a host exception unwound the nesting). */
    void resetChain() {
        chainDepth = 0;
    }
}
