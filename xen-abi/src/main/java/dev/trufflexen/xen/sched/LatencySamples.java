package dev.trufflexen.xen.sched;

import java.util.Arrays;

/**
 * The last few thousand samples of a delay (nanoseconds), summarised on demand. Not thread-safe:
 * its owner adds and summarises under its own lock (the scheduler's).
 */
final class LatencySamples {
    private final long[] ring = new long[8192];
    private long count;

    void add(long ns) {
        ring[(int) (count++ % ring.length)] = ns;
    }

    Percentiles summary() {
        int n = (int) Math.min(count, ring.length);
        long[] sorted = Arrays.copyOf(ring, n);
        Arrays.sort(sorted);
        if (n == 0) {
            return new Percentiles(0, 0, 0, 0);
        }
        return new Percentiles(count, sorted[n / 2], sorted[Math.min(n - 1, (int) (n * 0.99))], sorted[n - 1]);
    }
}
