package dev.trufflexen.perf;

/**
 * The nullcall guest (guest-images/nullcall) in a real domain on its own Xen core: the whole
 * hypercall path, from the guest kernel's {@code call} into the hypercall page and its
 * {@code syscall}, through {@code PvEntry} and the {@code HypercallDispatcher} to the xen_version
 * handler, and back into compiled guest code.
 *
 * <p>The guest makes a batch of xen_version(XENVER_version) calls, then SCHEDOP_yield with how
 * many of them returned the version, forever ({@link BatchGuestDomain}).
 */
public final class NullcallDomain implements AutoCloseable {
    private final BatchGuestDomain guest;

    /** Builds the domain; its first {@link #runBatch} boots it. */
    public NullcallDomain(int hypercallsPerBatch) {
        this.guest = new BatchGuestDomain("nullcall", "hypercalls=" + hypercallsPerBatch);
    }

    /**
     * Runs the guest until its next yield and returns how many hypercalls of the batch returned
     * the hypervisor's version.
     *
     * @throws IllegalStateException when the vCPU stopped for any other reason (a crash)
     */
    public long runBatch() {
        return guest.runBatch();
    }

    /** A benchmark's tear-down: prints the compilation summary, requires compiled regions, closes. */
    public void requireCompiledAndClose() {
        guest.requireCompiledAndClose();
    }

    @Override
    public void close() {
        guest.close();
    }
}
