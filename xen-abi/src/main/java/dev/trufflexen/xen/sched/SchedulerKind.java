package dev.trufflexen.xen.sched;

/** The scheduler a host runs, chosen when the host starts (Xen's {@code sched=} boot option). */
public enum SchedulerKind {
    /** Xen's credit scheduler: weights, caps, 30 ms slices, boost for woken vCPUs (the default). */
    CREDIT,
    /** Borrowed Virtual Time: virtual time scaled by weight, warp for latency-sensitive domains. */
    BVT;

    /** The kind named {@code name} ("credit" or "bvt", any case). */
    public static SchedulerKind named(String name) {
        for (SchedulerKind kind : values()) {
            if (kind.name().equalsIgnoreCase(name)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown scheduler '" + name + "' (credit or bvt)");
    }
}
