package dev.trufflexen.xen.domain;

/** What the toolstack does when a domain shuts down (xl.cfg on_poweroff, on_reboot, on_crash). */
public enum ShutdownAction {
    DESTROY,
    RESTART,
    PRESERVE,
    COREDUMP_DESTROY,
    COREDUMP_RESTART,
    RENAME_RESTART,
    SOFT_RESET
}
