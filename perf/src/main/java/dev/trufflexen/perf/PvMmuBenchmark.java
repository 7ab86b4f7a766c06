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
 * What the PV MMU benchmarks share: a {@link PvMmuDomain} per trial, batches of
 * {@link #OPERATIONS} operations each checked to have all run, and the invariant checker (which
 * must find nothing) before the domain goes.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public abstract class PvMmuBenchmark {
    static final int OPERATIONS = 8192;

    protected PvMmuDomain domain;

    /** One batch; fails unless every operation ran. */
    protected long batch() {
        long done = domain.runBatch();
        if (done != OPERATIONS) {
            throw new IllegalStateException(done + " of " + OPERATIONS + " operations");
        }
        return done;
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
