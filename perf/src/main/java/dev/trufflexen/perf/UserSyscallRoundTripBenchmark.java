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
 * Nanoseconds per user-mode system call round trip in a PV guest, Linux's getpid path under
 * Xen: the user program's {@code syscall}, the switch to guest kernel mode and Xen's bounce frame
 * on the kernel stack ({@code PvEntry}, {@code FastSystemCalls}, {@code TrapBounce}), the guest
 * kernel's callback, and the iret hypercall with VGCF_in_syscall back to user mode. Compare with
 * {@link HostGetpidBenchmark}, a real getpid on the host.
 *
 * <p>One invocation is one batch of {@link #SYSCALLS} calls plus the yield that ends it (see
 * {@link GuestBatchDomain}). Warm-up and measurement as {@link HypercallRoundTripBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class UserSyscallRoundTripBenchmark {
    static final int SYSCALLS = 100_000;

    private GuestBatchDomain domain;

    @Setup(Level.Trial)
    public void bootDomain() {
        domain = GuestBatchDomain.usercall(SYSCALLS);
    }

    @Benchmark
    @OperationsPerInvocation(SYSCALLS)
    public long userGetpid() {
        return domain.runBatchOf(SYSCALLS, "getpid calls returned the guest kernel's pid");
    }

    @TearDown(Level.Trial)
    public void checkCompiledAndStop() {
        domain.requireCompiledAndClose();
    }
}
