package dev.trufflexen.xen.domain;

/**
 * The host's scheduler as a domain sees it: it runs the domain's vCPUs on the host's CPUs. The
 * scheduler itself (in {@code dev.trufflexen.xen.sched}) is given to each domain when it is built.
 */
public interface DomainScheduler {
    /**
     * Hands every vCPU of {@code domain} to the scheduler and waits until the domain has shut
     * down, crashed or been destroyed and none of its vCPUs is on a host CPU any more.
     */
    void runUntilStopped(Domain domain);

    /** The domain's scheduling parameters changed (a new cap may need enforcing now). */
    default void parametersChanged(Domain domain) {
    }
}
