package dev.trufflexen.xen.domain;

import dev.trufflexen.xen.abi.SchedOp;

/** Why a domain stopped: the SHUTDOWN_* reason it gave, or CRASH when the hypervisor crashed it. */
public enum ShutdownReason {
    POWEROFF(SchedOp.SHUTDOWN_poweroff),
    REBOOT(SchedOp.SHUTDOWN_reboot),
    SUSPEND(SchedOp.SHUTDOWN_suspend),
    CRASH(SchedOp.SHUTDOWN_crash),
    WATCHDOG(SchedOp.SHUTDOWN_watchdog),
    SOFT_RESET(SchedOp.SHUTDOWN_soft_reset);

    private final int code;

    ShutdownReason(int code) {
        this.code = code;
    }

    /** The SHUTDOWN_* code. */
    public int code() {
        return code;
    }

    /** The reason for a SHUTDOWN_* code, or null for a code Xen does not define. */
    public static ShutdownReason ofCode(int code) {
        for (ShutdownReason reason : values()) {
            if (reason.code == code) {
                return reason;
            }
        }
        return null;
    }
}
