package dev.trufflexen.dom0.xenstore;

/**
 * A request xenstored refuses; the reply is an {@code XS_ERROR} message whose payload is the
 * errno's name (one of {@code xsd_errors} in {@code io/xs_wire.h}), e.g. {@code ENOENT}.
 */
public final class XsError extends Exception {
    private static final long serialVersionUID = 1L;

    private final String errno;

    public XsError(String errno, String detail) {
        super(errno + ": " + detail, null, false, false);
        this.errno = errno;
    }

    /** The errno name the client receives. */
    public String errno() {
        return errno;
    }

    static XsError invalid(String detail) {
        return new XsError("EINVAL", detail);
    }

    static XsError noEntry(String path) {
        return new XsError("ENOENT", path);
    }

    static XsError denied(String detail) {
        return new XsError("EACCES", detail);
    }

    static XsError quota(String detail) {
        return new XsError("ENOSPC", detail);
    }
}
