package dev.trufflexen.launcher.debug;

/** A debugger request that cannot be done: the message names the reason, in one line. */
public final class DebugException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DebugException(String message) {
        super(message);
    }
}
