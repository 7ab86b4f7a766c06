package dev.trufflexen.xen.hypercall;

/**
 * Work that runs after every hypercall (and every piece of a continued one), before the guest
 * resumes: delivering pending events, leaving guest code when the domain is dying, preemption.
 * Xen does this on its hypercall exit path ({@code test_all_events}).
 */
@FunctionalInterface
public interface PendingWork {
    void afterHypercall(HypercallContext context);
}
