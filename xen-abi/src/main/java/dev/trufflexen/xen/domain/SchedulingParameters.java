package dev.trufflexen.xen.domain;

/**
 * A domain's parameters for the vCPU schedulers, set by the toolstack while the domain runs and
 * read by the scheduler when it next accounts the domain's vCPUs.
 *
 * <p>Credit scheduler (xl sched-credit): {@code weight} is the domain's relative share of CPU
 * (1 to 65535, default 256); {@code cap} the most CPU it may take, in percent of one physical
 * CPU (0: no cap).
 *
 * <p>Borrowed Virtual Time (xl sched-bvt): {@code mcuAdvance} is the virtual time a vCPU is
 * charged per unit of real time, the inverse of its weight (1 or more, default 10);
 * a domain with {@code warpBack} set may borrow {@code warpValue} of virtual time (its warp, in
 * nanoseconds) to run early, for at most {@code warpLimitNs} at a time and then not again for
 * {@code unwarpNs}.
 */
public record SchedulingParameters(int weight, int cap, int mcuAdvance, boolean warpBack, long warpValue,
        long warpLimitNs, long unwarpNs) {
    public static final int DEFAULT_WEIGHT = 256;
    public static final int MAX_WEIGHT = 65535;
    public static final int DEFAULT_MCU_ADVANCE = 10;

    /** A new domain's parameters: weight 256, no cap; BVT's defaults (no warp, 2 s warp limit, 1 s unwarp). */
    public static final SchedulingParameters DEFAULT = new SchedulingParameters(DEFAULT_WEIGHT, 0,
            DEFAULT_MCU_ADVANCE, false, 0, 2_000_000_000L, 1_000_000_000L);

    public SchedulingParameters {
        if (weight < 1 || weight > MAX_WEIGHT) {
            throw new IllegalArgumentException("weight must be 1 to " + MAX_WEIGHT + ", not " + weight);
        }
        if (cap < 0) {
            throw new IllegalArgumentException("cap must not be negative, not " + cap);
        }
        if (mcuAdvance < 1) {
            throw new IllegalArgumentException("mcuadv must be at least 1, not " + mcuAdvance);
        }
        if (warpValue < 0 || warpLimitNs < 0 || unwarpNs < 0) {
            throw new IllegalArgumentException("warp values must not be negative");
        }
    }

    public SchedulingParameters withCredit(int newWeight, int newCap) {
        return new SchedulingParameters(newWeight, newCap, mcuAdvance, warpBack, warpValue, warpLimitNs, unwarpNs);
    }

    public SchedulingParameters withBvt(int newMcuAdvance, boolean newWarpBack, long newWarpValue, long newWarpLimitNs,
            long newUnwarpNs) {
        return new SchedulingParameters(weight, cap, newMcuAdvance, newWarpBack, newWarpValue, newWarpLimitNs,
                newUnwarpNs);
    }
}
