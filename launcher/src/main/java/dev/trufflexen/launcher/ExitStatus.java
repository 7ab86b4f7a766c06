package dev.trufflexen.launcher;

/**
 * Every exit status of txl, in one list.
 *
 * <p>{@code txl create} runs a domain until it stops and exits with a status that says how the
 * guest stopped, so scripts and test harnesses can tell a clean power-off from a crash without
 * reading the console. Statuses 64 and up are txl's own failures and follow BSD
 * {@code sysexits.h}, so they never collide with a guest's outcome.
 */
public final class ExitStatus {
    private ExitStatus() {
    }

    /** The guest powered off (SCHEDOP_shutdown, SHUTDOWN_poweroff); also success for help and version. */
    public static final int GUEST_POWEROFF = 0;
    /** A toolstack command failed (no such domain, bad argument, no host), as xl's EXIT_FAILURE. */
    public static final int COMMAND_FAILED = 1;
    /** The guest asked to reboot. */
    public static final int GUEST_REBOOT = 2;
    /** The guest crashed. */
    public static final int GUEST_CRASH = 3;
    /** The guest suspended itself. */
    public static final int GUEST_SUSPEND = 4;
    /** The guest's watchdog fired. */
    public static final int GUEST_WATCHDOG = 5;
    /** The guest asked for a soft reset. */
    public static final int GUEST_SOFT_RESET = 6;
    /** EX_USAGE: bad command line (unknown option, missing CONFIG). */
    public static final int USAGE = 64;
    /** EX_DATAERR: bad domain configuration, or a guest image the domain builder rejects. */
    public static final int BAD_CONFIG = 65;
    /** EX_UNAVAILABLE, from bin/txl: no JDK 25 or newer, or the launcher is not built. */
    public static final int UNAVAILABLE = 69;
    /** EX_SOFTWARE: the Graal JIT is not active (see --interpreter-only), or an internal error. */
    public static final int SOFTWARE = 70;
    /** EX_IOERR: the console log file cannot be written. */
    public static final int IO_ERROR = 74;
    /**
     * txl create ended by a signal exits with this plus the signal's number, as shells report:
     * 129 SIGHUP, 130 SIGINT, 143 SIGTERM (see {@link TerminationSignals}).
     */
    public static final int SIGNAL_BASE = 128;
}
