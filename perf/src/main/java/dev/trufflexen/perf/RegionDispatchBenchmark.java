package dev.trufflexen.perf;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;

import dev.trufflexen.x86.cpu.X86Reg;

/**
 * Nanoseconds per indirect call and return: {@code call rdi} to a function that increments RAX
 * and returns. Both branches end their region, so this measures region exit, dispatcher lookup
 * and region entry (twice per call).
 */
public class RegionDispatchBenchmark extends GuestBenchmark {
    static final int CALLS = 100_000;

    @Override
    protected GuestProgram program() {
        return GuestProgram.REGION_DISPATCH;
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public long indirectCall() {
        runLoop(CALLS);
        return machine.cpu().reg(X86Reg.RAX);
    }
}
