package dev.trufflexen.xen.mm;

/**
 * The one place a frame a guest gives back (decrease_reservation, exchange) leaves the domain.
 * As in Xen, a frame still referenced (mapped, or in use as a page table) must not return to
 * the pool while those references live; it is freed when the last one goes.
 */
public final class FrameRelease {
    private final FramePool pool;

    public FrameRelease(FramePool pool) {
        this.pool = pool;
    }

    /**
     * Drops the domain's allocation of {@code mfn} (owned by {@code domid}); true when the frame
     * has gone back to the pool now and so no longer counts in the domain's tot_pages.
     */
    public boolean release(int domid, long mfn) {
        pool.free(mfn);
        return true;
    }

    /** Xen's steal_page test: the domain's allocation is the frame's only reference. */
    public boolean canSteal(int domid, long mfn) {
        return pool.ownerOf(mfn) == domid;
    }
}
