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
 * Nanoseconds per null hypercall round trip through the real path: a PV guest kernel in a real
 * domain calls xen_version(XENVER_version) through its hypercall page ({@code call}, {@code
 * syscall}, {@code ret}), {@code PvEntry} dispatches it through the {@code HypercallDispatcher} to the
 * handler, and the result comes back into compiled guest code. Compare with
 * {@link NullHypercallBenchmark}, the CPU's share alone (a trivial platform, no Xen core).
 *
 * <p>One invocation is one batch of {@link #HYPERCALLS} calls plus the yield that ends it (see
 * {@link GuestBatchDomain}); the yield and the return to Java are one part in 100,001. Warm-up and
 * measurement as {@link GuestBenchmark} (the same two-core reasoning applies).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HypercallRoundTripBenchmark {
    static final int HYPERCALLS = 100_000;

    private GuestBatchDomain domain;

    @Setup(Level.Trial)
    public void bootDomain() {
        domain = GuestBatchDomain.nullcall(HYPERCALLS);
    }

    @Benchmark
    @OperationsPerInvocation(HYPERCALLS)
    public long nullHypercall() {
        return domain.runBatchOf(HYPERCALLS, "xen_version calls returned the version");
    }

    @TearDown(Level.Trial)
    public void checkCompiledAndStop() {
        domain.requireCompiledAndClose();
    }
}
