package dev.trufflexen.launcher.host;

/**
 * A request the host refuses: the message names the domain and the problem, and the status is
 * the exit status txl gives it (1, as xl's failures, unless a more precise one applies).
 */
public final class HostError extends Exception {
    /** xl's exit status for a failed command. */
    public static final int FAILURE = 1;

    private final int status;

    public HostError(String message) {
        this(FAILURE, message);
    }

    public HostError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
