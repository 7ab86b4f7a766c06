package dev.trufflexen.xen.sched;

/**
 * What the scheduler has given one vCPU: CPU time by its own accounting (the nanoseconds the
 * vCPU spent on a worker), how often it was put on a worker, preempted for another, yielded,
 * and blocked.
 */
public record UnitStats(long cpuTimeNs, long runs, long preemptions, long yields, long blocks) {
    public static final UnitStats NEVER_RUN = new UnitStats(0, 0, 0, 0, 0);
}
