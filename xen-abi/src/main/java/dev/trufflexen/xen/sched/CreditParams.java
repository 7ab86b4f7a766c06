package dev.trufflexen.xen.sched;

/**
 * A domain's credit-scheduler parameters ({@code xl sched-credit -w -c}), as Xen's
 * {@code xen_domctl_sched_credit}.
 *
 * @param weight the domain's share relative to other domains' (1-65535; Xen's default 256).
 *               As in Xen, a domain earns weight times its active vCPUs.
 * @param cap the most CPU the domain may use, in percent of one pCPU (0: no cap; 200 is two pCPUs)
 */
public record CreditParams(int weight, int cap) {
    /** Xen's CSCHED_DEFAULT_WEIGHT. */
    public static final int DEFAULT_WEIGHT = 256;
    public static final CreditParams DEFAULTS = new CreditParams(DEFAULT_WEIGHT, 0);

    public CreditParams {
        if (weight < 1 || weight > 0xFFFF) {
            throw new IllegalArgumentException("credit weight must be 1-65535, not " + weight);
        }
        if (cap < 0 || cap >= 0xFFFF) {
            throw new IllegalArgumentException("credit cap must be 0-65534 (percent of a pCPU), not " + cap);
        }
    }
}
