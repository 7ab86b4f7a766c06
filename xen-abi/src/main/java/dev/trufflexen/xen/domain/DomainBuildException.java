package dev.trufflexen.xen.domain;

/**
 * A domain could not be built: bad kernel image, memory too small, machine memory exhausted.
 * The message is for the user and names the file and the bad part; nothing was left built.
 */
public final class DomainBuildException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DomainBuildException(String message) {
        super(message);
    }
}
