package dev.trufflexen.perf;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Nanoseconds per validated L1 entry written by mmu_update, from a PV guest kernel in a real
 * domain (see {@link PvMmuDomain}), in batches of 1, 16 and 512 entries: each entry is copied
 * in, checked, takes a reference (and the writable type) on the new frame and drops those of the
 * old one. Entries per second is the inverse.
 */
@State(Scope.Thread)
public class MmuUpdateBenchmark extends PvMmuBenchmark {
    @Param({"1", "16", "512"})
    public int batch;

    @Setup(Level.Trial)
    public void bootDomain() {
        domain = new PvMmuDomain("mmu" + batch, OPERATIONS);
    }

    @Benchmark
    @OperationsPerInvocation(OPERATIONS)
    public long mmuUpdate() {
        return batch();
    }
}
