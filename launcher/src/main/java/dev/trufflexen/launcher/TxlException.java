package dev.trufflexen.launcher;

/**
 * A failure txl reports as {@code txl: error: <message>} and exits with {@link #exitStatus()}.
 * The message is complete and user-facing; the cause, if any, is shown only with TXL_DEBUG=1.
 */
public final class TxlException extends RuntimeException {
    private final int exitStatus;

    public TxlException(int exitStatus, String message) {
        super(message);
        this.exitStatus = exitStatus;
    }

    public TxlException(int exitStatus, String message, Throwable cause) {
        super(message, cause);
        this.exitStatus = exitStatus;
    }

    public int exitStatus() {
        return exitStatus;
    }
}
