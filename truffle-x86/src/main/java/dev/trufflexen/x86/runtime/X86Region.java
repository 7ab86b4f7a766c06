package dev.trufflexen.x86.runtime;

import java.util.List;

import com.oracle.truffle.api.Assumption;
import com.oracle.truffle.api.CallTarget;

import dev.trufflexen.x86.mmu.X86Mmu;
import dev.trufflexen.x86.region.X86RegionRootNode;

/**
 * A translated region in the code cache, for one machine copy of its bytes: its call target, the
 * code pages it was built from ({linear page, machine page, first offset, last offset}) and what
 * keeps it valid. A private region owns its call target and its assumption, which a write to its
 * bytes invalidates. A region running {@link X86SharedCode} shares both with every other copy of
 * the same bytes; a write to this copy only discards this region ({@link #discard}), so the
 * compiled code keeps running for the other copies.
 */
final class X86Region {
    final long entryRip;
    final long entryMachine;
    final CallTarget callTarget;
    /** The region root {@link #callTarget} runs from its entry ({@link X86RegionRootNode#of}); null for a loop entry. */
    final X86RegionRootNode root;
    final List<long[]> pages;
    final Assumption codeValid;
    /** The code this region runs when it is shared with other copies of its bytes; null when private. */
    final X86SharedCode shared;
    /**
     * For an entry into another region at one of its hot loop headers
     * ({@link dev.trufflexen.x86.region.X86RegionRootNode#loopEntry}): that region, whose pages and
     * code assumption this entry shares and whose validity it follows; null otherwise.
     */
    final X86Region owner;
    private volatile boolean discarded;

    X86Region(long entryRip, long entryMachine, CallTarget callTarget, List<long[]> pages, Assumption codeValid) {
        this(entryRip, entryMachine, callTarget, pages, codeValid, null);
    }

    /** A region of this copy running {@code shared}. */
    X86Region(long entryRip, long entryMachine, List<long[]> pages, X86SharedCode shared) {
        this(entryRip, entryMachine, shared.callTarget, pages, shared.codeValid, shared);
    }

    /** An entry at {@code entryRip} into {@code owner}, which holds a hot loop whose header is there. */
    X86Region(long entryRip, long entryMachine, CallTarget callTarget, X86Region owner) {
        this.entryRip = entryRip;
        this.entryMachine = entryMachine;
        this.callTarget = callTarget;
        this.root = X86RegionRootNode.of(callTarget);
        this.pages = owner.pages;
        this.codeValid = owner.codeValid;
        this.shared = null;
        this.owner = owner;
    }

    private X86Region(long entryRip, long entryMachine, CallTarget callTarget, List<long[]> pages, Assumption codeValid,
            X86SharedCode shared) {
        this.owner = null;
        this.entryRip = entryRip;
        this.entryMachine = entryMachine;
        this.callTarget = callTarget;
        this.root = X86RegionRootNode.of(callTarget);
        this.pages = pages;
        this.codeValid = codeValid;
        this.shared = shared;
    }

    boolean isValid() {
        return !discarded && codeValid.isValid() && (owner == null || !owner.discarded); // an owner shares codeValid and has no owner
    }

    /**
     * This copy stops using the region: a private region's code is invalidated, shared code lives
     * on, and so does the region a loop entry leads into (it is discarded on its own account).
     */
    void discard() {
        discarded = true;
        if (shared == null && owner == null) {
            codeValid.invalidate();
        }
    }

    /** True while every linear code page still translates (for fetch) to the machine page it was built from. */
    boolean translationsUnchanged(X86Mmu mmu) {
        for (long[] page : pages) {
            long machine = mmu.translateFetch(page[0]);
            if (X86Mmu.isFault(machine) || (machine & X86Mmu.PAGE_MASK) != page[1]) {
                return false;
            }
        }
        return true;
    }

    boolean overlaps(long machineAddress, int length) {
        for (long[] page : pages) {
            long first = page[1] + page[2];
            long last = page[1] + page[3];
            if (machineAddress <= last && machineAddress + length - 1 >= first) {
                return true;
            }
        }
        return false;
    }
}
