package dev.trufflexen.xen.mm;

import java.util.BitSet;

/**
 * The one place a frame a guest gives back (decrease_reservation, exchange) leaves the domain.
 * As in Xen, a frame still referenced (mapped, or in use as a page table) must not return to
 * the pool while those references live: it stays the domain's, counted in its tot_pages, and is
 * freed with the domain. Only a frame whose sole reference is the domain's allocation goes back
 * at once (and only such a frame may be stolen by memory_exchange).
 *
 * <p>Which frames are unreferenced: those memory_op gave the domain ({@link #allocated}) and the
 * domain cannot have mapped, since its page tables are the builder's; every frame it was built
 * with may be mapped by them and counts as referenced.
 */
public final class FrameRelease {
    private final FramePool pool;
    private final BitSet unreferenced = new BitSet();

    public FrameRelease(FramePool pool) {
        this.pool = pool;
    }

    /** Frames {@code mfn .. mfn + count - 1} were just allocated to a domain, referenced by nothing else. */
    public synchronized void allocated(long mfn, long count) {
        unreferenced.set(Math.toIntExact(mfn), Math.toIntExact(mfn + count));
    }

    /**
     * Drops the domain's allocation of {@code mfn} (owned by {@code domid}); true when the frame
     * has gone back to the pool now and so no longer counts in the domain's tot_pages.
     */
    public synchronized boolean release(int domid, long mfn) {
        if (!canSteal(domid, mfn)) {
            return false;
        }
        unreferenced.clear(Math.toIntExact(mfn));
        pool.free(mfn);
        return true;
    }

    /** Xen's steal_page test: the domain's allocation is the frame's only reference. */
    public synchronized boolean canSteal(int domid, long mfn) {
        return pool.ownerOf(mfn) == domid && unreferenced.get(Math.toIntExact(mfn));
    }
}
