package dev.trufflexen.x86.region;

import java.util.ArrayList;
import java.util.List;

import com.oracle.truffle.api.CallTarget;
import com.oracle.truffle.api.CompilerDirectives;
import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.RootCallTarget;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.DirectCallNode;
import com.oracle.truffle.api.nodes.ExplodeLoop;
import com.oracle.truffle.api.nodes.IndirectCallNode;
import com.oracle.truffle.api.nodes.Node;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.nodes.X86MemorySite;
import dev.trufflexen.x86.runtime.X86JumpCache;
import dev.trufflexen.x86.runtime.X86Language;

/**
 * A guest CALL that leaves its region, run as a host call of the callee's region (region
 * chaining). The callee region receives this call's return address; a RET in it that pops
 * exactly that address ends the host call, and the caller continues at its return block
 * without a trip through the dispatcher. See {@link X86RegionRootNode} for the protocol.
 *
 * <p><b>Which callee.</b> The callee is whatever the vCPU's {@link X86JumpCache} holds for the
 * target RIP, with the dispatcher's checks (the callee's code assumption, the MMU's translation
 * generation, the code epoch): a call never enters code that was rewritten or that its pages no
 * longer map. A target the jump cache does not know yet is looked up or translated by the
 * code cache on the spot, which fills the jump cache; a stop request, nesting at
 * {@link X86JumpCache#MAX_CHAIN_DEPTH} or a callee whose entry cannot be fetched leaves the
 * region as before, through the dispatcher.
 *
 * <p><b>Inline cache.</b> Up to {@link #CACHE_ENTRIES} callees get a {@link DirectCallNode} each
 * (a direct call has one target; an indirect call through a function pointer or a vtable a few,
 * a dispatch table up to dozens), so Truffle can inline them into the caller's compilation;
 * further callees share one {@link IndirectCallNode}. Sixteen, not four: a loop calling through
 * a 16-entry function table then inlines every callee into its one OSR compilation instead of
 * compiling twelve of them twice each (first and last tier) as separate call targets. A new callee first evicts the entries whose region was invalidated
 * since, so code rewriting does not fill the cache with dead regions.
 */
final class X86ChainedCall extends Node {
    /** Inline-cache entries per call site; {@code -Dtrufflexen.chainedCallEntries=N} changes it. */
    static final int CACHE_ENTRIES = Integer.getInteger("trufflexen.chainedCallEntries", 16);
    /**
     * Whether a call to a callee the jump cache does not know translates it in place (see
     * {@link dev.trufflexen.x86.runtime.X86CodeCache#regionForCall}); with
     * {@code -Dtrufflexen.chainUnknownCallees=false} such a call leaves through the dispatcher.
     */
    private static final boolean TRANSLATE_CALLEES = !"false".equals(System.getProperty("trufflexen.chainUnknownCallees"));
    /**
     * Whether calls chain at all; with {@code -Dtrufflexen.chainCalls=false} every call leaves its
     * region through the dispatcher, as before chaining (for measuring what chaining buys).
     */
    private static final boolean CHAIN_CALLS = !"false".equals(System.getProperty("trufflexen.chainCalls"));
    private static final DirectCallNode[] EMPTY = new DirectCallNode[0];

    /** The call's return address, boxed once: the callee's second argument. */
    private final Long returnAddress;
    @Children private DirectCallNode[] callees = EMPTY;
    @Child private IndirectCallNode others;

    X86ChainedCall(long returnRip) {
        this.returnAddress = returnRip;
    }

    /**
     * The region to call for {@code targetRip}, with the nesting entered; null (nothing changed)
     * when the call must go through the dispatcher instead: a stop is requested, the jump cache
     * has no valid region there, or the nesting is at its cap.
     */
    static CallTarget enter(X86Language language, VirtualFrame frame, X86Cpu cpu, long targetRip) {
        if (!CHAIN_CALLS || cpu.stopRequested()) {
            return null;
        }
        CallTarget callee = cpu.jumpCache().lookup(cpu, targetRip);
        if (callee == null) {
            X86MemorySite.clearStack(frame); // the code cache may have made a frame hold code
            callee = translate(language, cpu, targetRip);
        }
        if (callee == null || !cpu.jumpCache().enterChainedCall()) {
            return null;
        }
        return callee;
    }

    /** A callee the jump cache does not know: found or translated by the code cache (null when its entry cannot be fetched). */
    @TruffleBoundary
    private static CallTarget translate(X86Language language, X86Cpu cpu, long targetRip) {
        return TRANSLATE_CALLEES ? cpu.codeCache().regionForCall(language, cpu, targetRip) : null;
    }

    /**
     * Runs {@code callee}, found by {@link #enter}, with the CPU holding the caller's state and
     * the target RIP. True when the callee came back to this call's return address (the CPU
     * holds the state there); false when it left otherwise, its state final in the CPU.
     */
    boolean call(X86Cpu cpu, CallTarget callee) {
        X86JumpCache cache = cpu.jumpCache();
        try {
            return dispatch(callee, cpu) == X86RegionRootNode.RETURNED_TO_CALLER;
        } finally {
            cache.leaveChainedCall();
        }
    }

    @ExplodeLoop
    private Object dispatch(CallTarget callee, X86Cpu cpu) {
        DirectCallNode[] cached = callees;
        for (DirectCallNode direct : cached) {
            if (direct.getCallTarget() == callee) {
                return CompilerDirectives.inInterpreter() ? callInInterpreter(callee, direct, cpu) : direct.call(cpu, returnAddress);
            }
        }
        if (cached.length < CACHE_ENTRIES || others == null) {
            CompilerDirectives.transferToInterpreterAndInvalidate();
            // A cold callee is cached too, so the caller's compilation finds it there.
            return callInInterpreter(callee, cache(callee), cpu);
        }
        return CompilerDirectives.inInterpreter() ? callInInterpreter(callee, null, cpu) : others.call(callee, cpu, returnAddress);
    }

    /**
     * A call made in the interpreter: through {@code direct}, the callee's inline-cache entry (null:
     * the shared indirect call), or uncounted when both the caller and the callee are cold
     * ({@link X86RegionHeat}). A hot
     * caller counts its calls even to a cold callee: Truffle's inlining weighs a callee by the
     * calls its call node counted, and a hot caller compiles soon.
     */
    private Object callInInterpreter(CallTarget callee, DirectCallNode direct, X86Cpu cpu) {
        X86RegionRootNode cold = X86RegionRootNode.coldRegion(callee);
        if (cold != null && getRootNode() instanceof X86RegionRootNode caller && caller.cold()) {
            return cold.runUncounted(new Object[]{cpu, returnAddress});
        }
        return direct != null ? direct.call(cpu, returnAddress) : others.call(callee, cpu, returnAddress);
    }

    /** Adds {@code callee} to the inline cache if there is room (after evicting dead regions); otherwise prepares the shared indirect call. */
    private DirectCallNode cache(CallTarget callee) {
        synchronized (getLock()) {
            List<DirectCallNode> live = new ArrayList<>();
            for (DirectCallNode direct : callees) {
                if (direct.getCallTarget() == callee) {
                    return direct;
                }
                if (regionValid(direct.getCallTarget())) {
                    live.add(direct);
                }
            }
            if (live.size() < CACHE_ENTRIES) {
                DirectCallNode added = insert(DirectCallNode.create(callee));
                live.add(added);
                callees = live.toArray(EMPTY);
                notifyInserted(added);
                return added;
            }
            if (live.size() != callees.length) {
                callees = live.toArray(EMPTY);
            }
            if (others == null) {
                others = insert(IndirectCallNode.create());
            }
            return null;
        }
    }

    private static boolean regionValid(CallTarget target) {
        X86RegionRootNode region = regionBehind(target);
        return region == null || region.codeValid();
    }

    /** The region {@code target} runs, itself or through one of its loop entries; null for any other target. */
    private static X86RegionRootNode regionBehind(CallTarget target) {
        if (target instanceof RootCallTarget root) {
            if (root.getRootNode() instanceof X86RegionRootNode region) {
                return region;
            }
            if (root.getRootNode() instanceof X86LoopEntryRootNode entry) {
                return entry.region();
            }
        }
        return null;
    }

    /**
     * The guest instructions of the callees this call's inline cache holds, which a compilation
     * of the caller inlines (their own chained calls not counted); -1 while it holds none.
     */
    int inlinedInstructions() {
        DirectCallNode[] cached = callees;
        if (cached.length == 0) {
            return -1;
        }
        int sum = 0;
        for (DirectCallNode direct : cached) {
            X86RegionRootNode region = regionBehind(direct.getCallTarget());
            sum += region != null ? region.guestInstructions() : X86RegionLoops.CHAINED_CALL_WEIGHT / CACHE_ENTRIES;
        }
        return sum;
    }

    /** The call's return address. */
    long returnRip() {
        return returnAddress;
    }

    /**
     * The entry RIPs of the regions this call's inline cache holds that have at most
     * {@code maxInstructions} guest instructions each (loop entries and other targets left out).
     */
    long[] smallCallees(int maxInstructions) {
        List<Long> entries = new ArrayList<>();
        for (DirectCallNode direct : callees) {
            X86RegionRootNode region = X86RegionRootNode.of(direct.getCallTarget());
            if (region != null && region.guestInstructions() <= maxInstructions) {
                entries.add(region.entryRip());
            }
        }
        return entries.stream().mapToLong(Long::longValue).toArray();
    }

    /** The entries now, for tests. */
    int cachedCallees() {
        return callees.length;
    }
}
