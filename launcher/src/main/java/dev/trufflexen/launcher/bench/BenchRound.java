package dev.trufflexen.launcher.bench;

/**
 * One timed round of a benchmark: when it began and ended, the iterations it ran and the checksum
 * the workload returned. The times are the driver's own clock readings around the workload
 * ({@code platformClock}: the guest's pvclock or the host process's monotonic clock), or else the
 * host clock ({@link System#nanoTime()}) when its begin and end markers arrived.
 */
public record BenchRound(int number, long beginNanos, long endNanos, long iterations, String checksum, boolean platformClock) {

    /** A round timed by the arrival of its markers. */
    public BenchRound(int number, long beginNanos, long endNanos, long iterations, String checksum) {
        this(number, beginNanos, endNanos, iterations, checksum, false);
    }

    public double seconds() {
        return (endNanos - beginNanos) / 1e9;
    }

    /** Iterations per second. */
    public double rate() {
        return iterations / Math.max(seconds(), 1e-9);
    }
}
