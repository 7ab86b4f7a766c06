package dev.trufflexen.xen.mm;

/**
 * The one place a frame a guest gives back (decrease_reservation, exchange) leaves the domain,
 * on the {@link FrameTable}'s reference counts. As in Xen, a frame still referenced (mapped, or
 * in use as a page table) does not return to the pool while those references live: giving it
 * back drops only the domain's allocation reference, and the frame is freed (and leaves the
 * domain's tot_pages) when its last reference goes. Only a frame whose sole reference is the
 * allocation may be stolen by memory_exchange.
 */
public final class FrameRelease {
    private final FrameTable table;

    public FrameRelease(FrameTable table) {
        this.table = table;
    }

    /**
     * guest_remove_page's references: get_page (false, and nothing done, when the frame is not
     * the domain's or not in use), the allocation reference dropped if it is still held, then
     * put_page. The frame is free afterwards unless something else still references it.
     */
    public boolean giveBack(int domid, long mfn) {
        if (!table.getPage(mfn, domid)) {
            return false;
        }
        table.releaseAllocation(mfn);
        table.putPage(mfn);
        return true;
    }

    /** get_page then put_page: true when the frame is the domain's and in use (checks, changes nothing). */
    public boolean isInUseBy(int domid, long mfn) {
        if (!table.getPage(mfn, domid)) {
            return false;
        }
        table.putPage(mfn);
        return true;
    }

    /** steal_page's test: the domain's allocation is the frame's only reference. */
    public boolean canSteal(int domid, long mfn) {
        return table.ownerOf(mfn) == domid && table.isAllocated(mfn) && table.count(mfn) == 1;
    }

    /** Takes a stealable frame from the domain: its allocation, its only reference, goes and so does the frame. */
    public void steal(long mfn) {
        table.releaseAllocation(mfn);
    }
}
