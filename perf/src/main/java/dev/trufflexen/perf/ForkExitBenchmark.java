package dev.trufflexen.perf;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Nanoseconds per process created and destroyed by a PV guest kernel (the procs guest, see
 * {@link GuestBatchDomain#procs}), to set beside the host's fork+exit+wait
 * (perf/native/fork-exit.c). Per child: the parent's fork system call builds a new L4, L3, L2
 * and L1 from cleared frames, shares the parent's two pages read-only (mmu_update, TLB flush),
 * pins the L4; wait switches to the child (MMUEXT_NEW_USER_BASEPTR), whose first write is a
 * copy-on-write fault (MMUEXT_COPY_PAGE, mmu_update, INVLPG) and whose next is a demand-zero
 * fault; its exit unpins the L4, frees its frames and switches back to the parent.
 */
@State(Scope.Thread)
public class ForkExitBenchmark extends PvMmuBenchmark {
    static final int FORKS = 64;

    @Setup(Level.Trial)
    public void bootDomain() {
        domain = GuestBatchDomain.procs("fork", FORKS);
    }

    @Benchmark
    @OperationsPerInvocation(FORKS)
    public long forkExitWait() {
        return batch(FORKS);
    }
}
