package dev.trufflexen.xen.abi;

/** sched_op commands and shutdown reasons ({@code sched.h}). */
public final class SchedOp {
    public static final int SCHEDOP_yield = 0;
    public static final int SCHEDOP_block = 1;
    public static final int SCHEDOP_shutdown = 2;
    public static final int SCHEDOP_poll = 3;
    public static final int SCHEDOP_remote_shutdown = 4;
    public static final int SCHEDOP_shutdown_code = 5;
    public static final int SCHEDOP_watchdog = 6;
    public static final int SCHEDOP_pin_override = 7;

    public static final int SHUTDOWN_poweroff = 0;
    public static final int SHUTDOWN_reboot = 1;
    public static final int SHUTDOWN_suspend = 2;
    public static final int SHUTDOWN_crash = 3;
    public static final int SHUTDOWN_watchdog = 4;
    public static final int SHUTDOWN_soft_reset = 5;
    public static final int SHUTDOWN_MAX = 5;

    /** struct sched_shutdown { unsigned int reason; }. */
    public static final int SCHED_SHUTDOWN_SIZE = 4;
    /** struct sched_remote_shutdown { domid_t domain_id; unsigned int reason; }. */
    public static final int SCHED_REMOTE_SHUTDOWN_SIZE = 8;
    public static final int REMOTE_SHUTDOWN_OFF_REASON = 4;

    public static final AbiStruct SHUTDOWN_LAYOUT = new AbiStruct("struct sched_shutdown", SCHED_SHUTDOWN_SIZE)
            .field("reason", 0);
    public static final AbiStruct REMOTE_SHUTDOWN_LAYOUT =
            new AbiStruct("struct sched_remote_shutdown", SCHED_REMOTE_SHUTDOWN_SIZE)
                    .field("domain_id", 0)
                    .field("reason", REMOTE_SHUTDOWN_OFF_REASON);

    private SchedOp() {
    }
}
