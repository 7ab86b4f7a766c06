package dev.trufflexen.xen.abi;

import static dev.trufflexen.xen.abi.AbiType.U16;
import static dev.trufflexen.xen.abi.AbiType.U32;
import static dev.trufflexen.xen.abi.AbiType.U64;
import static dev.trufflexen.xen.abi.AbiType.ULONG;

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

    public static final AbiStruct SHUTDOWN_LAYOUT = new AbiStruct("struct sched_shutdown", SCHED_SHUTDOWN_SIZE);
    public static final AbiField SHUTDOWN_REASON = SHUTDOWN_LAYOUT.in(U32, "reason", 0);
    public static final AbiStruct REMOTE_SHUTDOWN_LAYOUT =
            new AbiStruct("struct sched_remote_shutdown", SCHED_REMOTE_SHUTDOWN_SIZE);
    public static final AbiField REMOTE_SHUTDOWN_DOMAIN_ID = REMOTE_SHUTDOWN_LAYOUT.in(U16, "domain_id", 0);
    public static final AbiField REMOTE_SHUTDOWN_REASON = REMOTE_SHUTDOWN_LAYOUT.in(U32, "reason", REMOTE_SHUTDOWN_OFF_REASON);

    /** struct sched_poll: block until one of a set of ports is pending, or a timeout. */
    public static final AbiStruct POLL_LAYOUT = new AbiStruct("struct sched_poll", 24);
    public static final AbiField POLL_PORTS = POLL_LAYOUT.in(ULONG, "ports", 0);
    public static final AbiField POLL_NR_PORTS = POLL_LAYOUT.in(U32, "nr_ports", 8);
    public static final AbiField POLL_TIMEOUT = POLL_LAYOUT.in(U64, "timeout", 16);

    /** struct sched_watchdog. */
    public static final AbiStruct WATCHDOG_LAYOUT = new AbiStruct("struct sched_watchdog", 8);
    public static final AbiField WATCHDOG_ID = WATCHDOG_LAYOUT.in(U32, "id", 0);
    public static final AbiField WATCHDOG_TIMEOUT = WATCHDOG_LAYOUT.in(U32, "timeout", 4);

    /** struct sched_pin_override. */
    public static final AbiStruct PIN_OVERRIDE_LAYOUT = new AbiStruct("struct sched_pin_override", 4);
    public static final AbiField PIN_OVERRIDE_PCPU = PIN_OVERRIDE_LAYOUT.in(AbiType.S32, "pcpu", 0);

    private SchedOp() {
    }
}
