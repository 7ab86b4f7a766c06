package dev.trufflexen.launcher.bench;

/**
 * One timed round of a benchmark: the host clock ({@link System#nanoTime()}) when its begin and
 * end markers arrived, the iterations it ran and the checksum the workload returned.
 */
public record BenchRound(int number, long beginNanos, long endNanos, long iterations, String checksum) {

    public double seconds() {
        return (endNanos - beginNanos) / 1e9;
    }

    /** Iterations per second. */
    public double rate() {
        return iterations / Math.max(seconds(), 1e-9);
    }
}
