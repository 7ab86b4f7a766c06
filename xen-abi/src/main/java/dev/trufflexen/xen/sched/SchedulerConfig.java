package dev.trufflexen.xen.sched;

/**
 * How a host schedules vCPUs: how many worker threads (the host's "physical CPUs") run guest
 * code, and which scheduler shares them out.
 *
 * @param pcpus worker threads, at least 1 (Xen's pCPUs)
 * @param kind the scheduler
 */
public record SchedulerConfig(int pcpus, SchedulerKind kind) {
    public SchedulerConfig {
        if (pcpus < 1) {
            throw new IllegalArgumentException("pcpus must be at least 1, not " + pcpus);
        }
        if (kind == null) {
            throw new IllegalArgumentException("a scheduler kind is required");
        }
    }

    /** One worker per host core, credit scheduler. */
    public static SchedulerConfig defaults() {
        return new SchedulerConfig(Runtime.getRuntime().availableProcessors(), SchedulerKind.CREDIT);
    }
}
