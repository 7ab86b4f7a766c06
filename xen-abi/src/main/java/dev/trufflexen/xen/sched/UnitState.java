package dev.trufflexen.xen.sched;

/** Where a vCPU is in the scheduler, as Xen's runstates plus the credit scheduler's parking. */
enum UnitState {
    /** On a worker thread, running guest code. */
    RUNNING,
    /** In the run queue, waiting for a worker. */
    RUNNABLE,
    /** Over its domain's cap: out of the run queue until the next accounting period. */
    PARKED,
    /** Waiting for an event (SCHEDOP_block or SCHEDOP_poll): holds no worker. */
    BLOCKED,
    /** Paused (Vcpu.pause, xl pause): out of the run queue until unpaused. */
    PAUSED,
    /** Its domain has stopped: never runs again. */
    STOPPED;

    boolean wantsCpu() {
        return this == RUNNING || this == RUNNABLE || this == PARKED;
    }
}
