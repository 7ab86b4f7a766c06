package dev.trufflexen.perf;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;

import dev.trufflexen.x86.cpu.X86Reg;

/**
 * Nanoseconds per guest load when every load hits the TLB: eight loads an iteration from eight
 * data pages (the loop's add/and/dec/jnz are included in the time).
 */
public class TlbHitBenchmark extends GuestBenchmark {
    static final int ITERATIONS = 100_000;

    @Override
    protected GuestProgram program() {
        return GuestProgram.TLB_HIT;
    }

    @Benchmark
    @OperationsPerInvocation(ITERATIONS * GuestProgram.TLB_LOADS_PER_ITERATION)
    public long tlbHitLoad() {
        runLoop(ITERATIONS);
        return machine.cpu().reg(X86Reg.RAX);
    }
}
