package dev.trufflexen.xen.hypercall;

/**
 * A hypercall failed for a reason Xen reports with an error number: the guest gets
 * {@code -errno} in RAX, and the hypervisor console gets one rate-limited line with the
 * host-side {@code reason}. Thrown anywhere below a handler; caught only by
 * {@link HypercallDispatcher}. Stackless: a guest can make these as fast as it likes.
 */
public final class XenError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int errno;

    public XenError(int errno, String reason) {
        super(reason, null, false, false);
        this.errno = errno;
    }

    /** The Xen errno (positive); the guest sees it negated. */
    public int errno() {
        return errno;
    }
}
