package dev.trufflexen.perf;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the PV MMU benchmarks share: a guest domain per trial ({@link PvMmuDomain}, or the procs
 * guest for page faults and processes), batches of operations each checked to have all run, and
 * the invariant checker (which must find nothing) before the domain goes.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public abstract class PvMmuBenchmark {
    static final int OPERATIONS = 8192;

    protected GuestBatchDomain domain;

    /** One batch of {@link #OPERATIONS}; fails unless every operation ran. */
    protected long batch() {
        return batch(OPERATIONS);
    }

    /** One batch of {@code operations}; fails unless every one ran. */
    protected long batch(int operations) {
        return domain.runBatchOf(operations, "operations");
    }

    @TearDown(Level.Trial)
    public void auditAndStop() {
        try {
            if (!domain.audit().isEmpty()) {
                throw new IllegalStateException("invariants broken: " + domain.audit());
            }
        } finally {
            domain.close();
        }
    }
}
