package dev.trufflexen.xen.sched;

import java.util.List;

/**
 * What differs between schedulers (Xen's {@code struct scheduler} hooks): the run queue's order,
 * how used CPU is charged, what a wake-up gets, and when a running vCPU must give way. The core
 * ({@link HostScheduler}) owns the workers, states and timing and calls these with its lock held.
 */
interface SchedPolicy {
    /** The vCPU joins the scheduler (its domain was handed over). */
    void added(SchedUnit unit);

    /** The vCPU left for good (its domain stopped). */
    void removed(SchedUnit unit);

    /** Puts a runnable vCPU in the run queue. */
    void enqueue(SchedUnit unit);

    /** Takes the vCPU that should run next on worker {@code pcpu} out of the run queue, or null when none may. */
    SchedUnit pickNext(int pcpu);

    boolean hasQueued();

    /** The vCPU woke from a block and is about to be queued (boost, virtual-time catch-up, warp). */
    void woken(SchedUnit unit, long now);

    /** The vCPU yields: it goes behind others. */
    void yielded(SchedUnit unit);

    /** Charges {@code ns} of CPU to the vCPU. */
    void burn(SchedUnit unit, long ns, long now);

    /** The vCPU left its worker. */
    void descheduled(SchedUnit unit);

    /** True when the vCPU's domain has used up its cap for this period. */
    boolean overCap(SchedUnit unit);

    /** The periodic tick; returns the parked vCPUs that may run again. */
    List<SchedUnit> tick(long now, List<SchedUnit> all);

    /** True when the running vCPU should give its worker to a queued one now. */
    boolean shouldPreempt(SchedUnit running, boolean sliceEnded);

    /** True when a just-woken vCPU deserves the worker of {@code running} at once. */
    boolean outranks(SchedUnit woken, SchedUnit running);

    /** The length of a time slice. */
    long timesliceNs();
}
