package dev.trufflexen.perf;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Nanoseconds per demand-zero page fault handled by a PV guest kernel (the procs guest, see
 * {@link GuestBatchDomain#procs}): a user write to an unmapped page of its process raises #PF,
 * which the hypervisor bounces to the guest kernel's handler on its kernel stack (CR2 in
 * vcpu_info); the handler takes a frame, clears it with MMUEXT_CLEAR_PAGE, maps it with
 * mmu_update into the process's L1, and returns with the iret hypercall to retry the write. After
 * every 14 faults the program releases its pages with one system call (one mmu_update batch and
 * a local TLB flush), whose cost is shared among the 14.
 */
@State(Scope.Thread)
public class GuestPageFaultBenchmark extends PvMmuBenchmark {
    static final int ROUNDS = 64;
    static final int FAULTS = ROUNDS * 14;

    @Setup(Level.Trial)
    public void bootDomain() {
        domain = GuestBatchDomain.procs("pf", ROUNDS);
    }

    @Benchmark
    @OperationsPerInvocation(FAULTS)
    public long demandZeroFault() {
        return batch(FAULTS);
    }
}
