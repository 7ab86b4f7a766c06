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
 * Nanoseconds per PV CPU round trip through the real path, with the pvbench guest in a real
 * domain:
 * <ul>
 * <li>{@code int3}: an exception bounced by {@code PvEntry}/{@code TrapBounce} to the guest
 * kernel's #BP handler (Xen's frame written on its stack), which returns to the next instruction
 * with the {@code iret} hypercall. The host analogue is a signal round trip (SIGTRAP to a handler
 * and {@code sigreturn}); see README.
 * <li>{@code wrmsr}: a WRMSR of MSR_FS_BASE, which the CPU raises as #GP(0) and
 * {@code PrivilegedOps} emulates.
 * </ul>
 * One invocation is a batch of {@link #OPERATIONS} plus the yield that ends it (see
 * {@link GuestBatchDomain}). Measurement as {@link HypercallRoundTripBenchmark}; the warm-up is
 * twice as long, because each round trip leaves compiled code twice and the regions on the
 * path take longer to be called often enough to compile.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 20, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PvExceptionBenchmark {
    static final int OPERATIONS = 20_000;

    @Param({"int3", "wrmsr"})
    public String op;

    private GuestBatchDomain domain;

    @Setup(Level.Trial)
    public void bootDomain() {
        domain = new GuestBatchDomain("pvbench", "op=" + op + " count=" + OPERATIONS);
    }

    @Benchmark
    @OperationsPerInvocation(OPERATIONS)
    public long roundTrip() {
        return domain.runBatchOf(OPERATIONS, op + " round trips completed");
    }

    @TearDown(Level.Trial)
    public void checkCompiledAndStop() {
        try {
            CompilationLog log = domain.compilationLog();
            System.out.println();
            System.out.println("# pvbench " + op + ": " + log.summary());
            log.requireCompiledRegions("pvbench domain");
        } finally {
            domain.close();
        }
    }
}
