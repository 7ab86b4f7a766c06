package dev.trufflexen.xen.time;

/**
 * A domain's virtual time-stamp counter: 0 when the domain is built, then counting at
 * {@link #FREQUENCY_KHZ} (1 GHz: one tick per nanosecond of System.nanoTime), the same on every
 * vCPU, never backwards. Xen's CPUID leaf 0x40000003 reports this frequency.
 */
public final class DomainTimeStampCounter {
    public static final int FREQUENCY_KHZ = 1_000_000;
    /** Xen's TSC-to-nanoseconds scale for 1 GHz: ns = ((tsc << shift) * mulFrac) >> 32. */
    public static final int TO_NS_MUL_FRAC = 0x8000_0000;
    public static final int TO_NS_SHIFT = 1;

    private final long originNanos = System.nanoTime();

    public long read() {
        return System.nanoTime() - originNanos;
    }

    /** The counter at {@code nanoTime}, a {@link System#nanoTime} reading. */
    public long at(long nanoTime) {
        return nanoTime - originNanos;
    }
}
