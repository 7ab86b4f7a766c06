package dev.trufflexen.perf;

/**
 * The pvmmu guest (guest-images/pvmmu) in its "loop" mode on its own Xen core: forever, a batch
 * of MMU operations (mmu_update batches of N L1 entries, or update_va_mapping with UVMF_INVLPG),
 * each remapping entries between two frames so every entry drops one reference and takes
 * another, then SCHEDOP_yield with the number of operations done (see {@link GuestBatchDomain}).
 */
public final class PvMmuDomain extends GuestBatchDomain {
    /** @param what {@code mmu<N>} or {@code uvm}; @param operations per batch */
    public PvMmuDomain(String what, int operations) {
        super("pvmmu", "loop=" + what + "," + operations);
    }
}
