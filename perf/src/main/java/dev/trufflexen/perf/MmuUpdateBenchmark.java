package dev.trufflexen.perf;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Nanoseconds per validated L1 entry written by mmu_update, from a PV guest kernel in a real
 * domain (see {@link PvMmuDomain}), in batches of 1, 16 and 512 entries: each entry is copied
 * in, checked, takes a reference (and the writable type) on the new frame and drops those of the
 * old one. Entries per second is the inverse. One invocation is {@link #ENTRIES} entries and the
 * yield that ends them. The invariant checker must hold afterwards.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MmuUpdateBenchmark {
    static final int ENTRIES = 8192;

    @Param({"1", "16", "512"})
    public int batch;

    private PvMmuDomain domain;

    @Setup(Level.Trial)
    public void bootDomain() {
        domain = new PvMmuDomain("mmu" + batch, ENTRIES);
    }

    @Benchmark
    @OperationsPerInvocation(ENTRIES)
    public long mmuUpdate() {
        long done = domain.runBatch();
        if (done != ENTRIES) {
            throw new IllegalStateException(done + " of " + ENTRIES + " entries");
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
