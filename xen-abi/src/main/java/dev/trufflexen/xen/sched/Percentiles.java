package dev.trufflexen.xen.sched;

/**
 * A summary of measured delays in nanoseconds: how many were measured in all, and the median,
 * 99th percentile and maximum of the most recent ones.
 */
public record Percentiles(long count, long medianNs, long p99Ns, long maxNs) {
}
