package dev.trufflexen.perf;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Nanoseconds per update_va_mapping with UVMF_INVLPG|UVMF_LOCAL from a PV guest kernel in a real
 * domain (see {@link PvMmuDomain}): the hypercall round trip, the walk to the L1 through the
 * guest's own tables, the validated entry change and the single-page TLB flush.
 */
@State(Scope.Thread)
public class UpdateVaMappingBenchmark extends PvMmuBenchmark {
    @Setup(Level.Trial)
    public void bootDomain() {
        domain = new PvMmuDomain("uvm", OPERATIONS);
    }

    @Benchmark
    @OperationsPerInvocation(OPERATIONS)
    public long updateVaMappingInvlpg() {
        return batch();
    }
}
