package dev.trufflexen.perf;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;

import dev.trufflexen.x86.cpu.X86Reg;

/**
 * Nanoseconds per null hypercall round trip: guest {@code syscall} with RAX = xen_version, out of
 * compiled guest code to the platform's handler and back into compiled code. The CPU's share of
 * every hypercall; the goal is 50 ns or less.
 */
public class NullHypercallBenchmark extends GuestBenchmark {
    static final int HYPERCALLS = 100_000;

    @Override
    protected GuestProgram program() {
        return GuestProgram.NULL_HYPERCALL;
    }

    @Benchmark
    @OperationsPerInvocation(HYPERCALLS)
    public long nullHypercall() {
        runLoop(HYPERCALLS);
        return machine.cpu().reg(X86Reg.RAX);
    }
}
