package dev.trufflexen.perf;

/**
 * The nullcall guest (guest-images/nullcall) in a real domain on its own Xen core: the whole
 * hypercall path, from the guest kernel's {@code call} into the hypercall page and its
 * {@code syscall}, through {@code PvEntry} and the {@code HypercallDispatcher} to the xen_version
 * handler, and back into compiled guest code.
 *
 * <p>The guest makes a batch of xen_version(XENVER_version) calls, then SCHEDOP_yield with how
 * many calls of the batch returned the version (see {@link GuestBatchDomain}).
 */
public final class NullcallDomain extends GuestBatchDomain {
    /** Builds the domain; its first {@link #runBatch} boots it. */
    public NullcallDomain(int hypercallsPerBatch) {
        super("nullcall", "hypercalls=" + hypercallsPerBatch);
    }
}
