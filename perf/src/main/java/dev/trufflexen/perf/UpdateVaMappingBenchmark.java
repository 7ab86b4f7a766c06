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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Nanoseconds per update_va_mapping with UVMF_INVLPG|UVMF_LOCAL from a PV guest kernel in a real
 * domain (see {@link PvMmuDomain}): the hypercall round trip, the walk to the L1 through the
 * guest's own tables, the validated entry change and the single-page TLB flush. One invocation
 * is {@link #CALLS} calls and the yield that ends them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class UpdateVaMappingBenchmark {
    static final int CALLS = 8192;

    private PvMmuDomain domain;

    @Setup(Level.Trial)
    public void bootDomain() {
        domain = new PvMmuDomain("uvm", CALLS);
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public long updateVaMappingInvlpg() {
        long done = domain.runBatch();
        if (done != CALLS) {
            throw new IllegalStateException(done + " of " + CALLS + " calls");
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
