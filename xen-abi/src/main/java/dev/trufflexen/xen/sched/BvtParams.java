package dev.trufflexen.xen.sched;

/**
 * A domain's Borrowed Virtual Time parameters (Duda and Cheriton's BVT, as the first Xen
 * scheduled domains): its weight, and its warp for latency-sensitive work.
 *
 * @param weight share relative to other domains (1-65535, default 256): virtual time advances by
 *               real time scaled by 256 / weight
 * @param warpNs how far back in virtual time a woken vCPU of the domain runs (0: never warps)
 * @param warpLimitNs the longest a vCPU runs warped before it is unwarped (0: no limit)
 * @param unwarpNs how long after being unwarped before it may warp again
 */
public record BvtParams(int weight, long warpNs, long warpLimitNs, long unwarpNs) {
    public static final BvtParams DEFAULTS = new BvtParams(CreditParams.DEFAULT_WEIGHT, 0, 0, 0);

    public BvtParams {
        if (weight < 1 || weight > 0xFFFF) {
            throw new IllegalArgumentException("BVT weight must be 1-65535, not " + weight);
        }
        if (warpNs < 0 || warpLimitNs < 0 || unwarpNs < 0) {
            throw new IllegalArgumentException("BVT warp, warp limit and unwarp time must not be negative");
        }
    }
}
